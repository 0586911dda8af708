package fileserver

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"shareit/transfer"
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
		if cf := c.load(f, fi); cf != nil {
			return string(cf.body)
		}
		return ""
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
		c.load(f, fi)
		f.Close()
		if c.bytes > maxCacheBytes {
			t.Fatalf("cache holds %d bytes, more than %d", c.bytes, maxCacheBytes)
		}
	}
}

// TestCachedAnswersAsServeContent: a small file served from the cache, with
// its header values made once, gets the very answer http.ServeContent gives
// from the file, for plain requests and conditional and Range ones, under
// two names with different types (hard links share the cache entry).
func TestCachedAnswersAsServeContent(t *testing.T) {
	root := t.TempDir()
	files := map[string][]byte{
		"a.txt":     []byte("plain text\n"),
		"page.html": []byte("<!doctype html><p>hi</p>"),
		"noext":     {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0},
		"empty.txt": {},
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(filepath.Join(root, "a.txt"), filepath.Join(root, "same.css")); err != nil {
		t.Fatal(err)
	}
	serve := func(settle time.Duration) *Server {
		tracker := transfer.New()
		t.Cleanup(tracker.Close)
		s, err := New(Config{Root: root}, tracker)
		if err != nil {
			t.Fatal(err)
		}
		s.files.settle = settle
		return s
	}
	cached, direct := serve(0), serve(time.Hour)
	fi, err := os.Stat(filepath.Join(root, "a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tag := etag(fi)
	since := fi.ModTime().UTC().Format(http.TimeFormat)
	headers := []map[string]string{
		nil,
		{"Range": "bytes=2-5"},
		{"Range": "bytes=0-1,4-6"},
		{"If-None-Match": tag},
		{"If-Modified-Since": since},
		{"If-Match": `"other"`},
		{"If-Unmodified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"},
	}
	for _, name := range []string{"a.txt", "page.html", "noext", "empty.txt", "same.css"} {
		for _, method := range []string{"GET", "HEAD"} {
			for _, h := range headers {
				answer := func(s *Server) (int, http.Header, string) {
					r := httptest.NewRequest(method, "/"+name, nil)
					for k, v := range h {
						r.Header.Set(k, v)
					}
					w := httptest.NewRecorder()
					s.ServeHTTP(w, r)
					return w.Code, w.Header(), w.Body.String()
				}
				answer(cached) // fills the cache
				code1, h1, body1 := answer(cached)
				code2, h2, body2 := answer(direct)
				h1.Del("Date")
				h2.Del("Date")
				// ServeContent's multipart boundary is random.
				if ct := h2.Get("Content-Type"); strings.HasPrefix(ct, "multipart/byteranges") {
					b1, b2 := boundary(h1), boundary(h2)
					body1 = strings.ReplaceAll(body1, b1, "B")
					body2 = strings.ReplaceAll(body2, b2, "B")
					h1.Set("Content-Type", strings.ReplaceAll(h1.Get("Content-Type"), b1, "B"))
					h2.Set("Content-Type", strings.ReplaceAll(h2.Get("Content-Type"), b2, "B"))
				}
				if code1 != code2 || !reflect.DeepEqual(h1, h2) || body1 != body2 {
					t.Errorf("%s /%s %v:\ncached: %d %v %q\nfile:   %d %v %q", method, name, h,
						code1, h1, body1, code2, h2, body2)
				}
			}
		}
		fi, err := cached.statFile(cached.root.Load(), name)
		if err != nil {
			t.Fatal(err)
		}
		if cached.files.cached(fi) == nil {
			t.Errorf("%s is not in the cache: the test compared nothing", name)
		}
	}
}

func boundary(h http.Header) string {
	_, b, _ := strings.Cut(h.Get("Content-Type"), "boundary=")
	return b
}
