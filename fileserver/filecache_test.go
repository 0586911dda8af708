package fileserver

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFileCacheFollowsChanges: a cached body is served while the file is
// unchanged, and a rewrite of the same size is a different key, never the
// old bytes.
func TestFileCacheFollowsChanges(t *testing.T) {
	c := newFileCache()
	c.settle = 0
	path := filepath.Join(t.TempDir(), "a.txt")
	body := func() string {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		return string(c.body(f, fi))
	}
	for _, content := range []string{"aaaa", "bbbb", "cc"} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		for range 2 { // a miss, then a hit
			if got := body(); got != content {
				t.Fatalf("got %q, want %q", got, content)
			}
		}
	}
	if len(c.items) != 3 {
		t.Errorf("cache holds %d bodies, want 3 (one per version)", len(c.items))
	}

	// A file still being written is not cached.
	c.settle = time.Hour
	if err := os.WriteFile(path, []byte("dddd"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := body(); got != "" {
		t.Errorf("a file changed just now was cached: got %q", got)
	}

	// Larger files are left to sendfile.
	if err := os.WriteFile(path, make([]byte, maxCachedFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	c.settle = 0
	if got := body(); got != "" {
		t.Errorf("a %d-byte file was cached", maxCachedFile+1)
	}
}

// TestFileCacheBounded: the cache never holds more than maxCacheBytes.
func TestFileCacheBounded(t *testing.T) {
	c := newFileCache()
	c.settle = 0
	dir := t.TempDir()
	for i := range 2 * maxCacheBytes / maxCachedFile {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, make([]byte, maxCachedFile-i), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		c.body(f, fi)
		f.Close()
		if c.bytes > maxCacheBytes {
			t.Fatalf("cache holds %d bytes, more than %d", c.bytes, maxCacheBytes)
		}
	}
}
