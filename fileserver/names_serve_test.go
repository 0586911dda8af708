package fileserver_test

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"shareit/fileserver"
)

// TestServedNames: Windows' own files are hidden like dotfiles, in any
// case, on every OS, unless Hidden; names only Windows cannot hold are
// served where they are real files (not on Windows, where they cannot
// exist).
func TestServedNames(t *testing.T) {
	root := t.TempDir()
	files := []string{"Desktop.ini", "THUMBS.DB", "$RECYCLE.BIN/junk", "System Volume Information/x", "plain.txt"}
	if runtime.GOOS != "windows" {
		files = append(files, "aux.c", "12:30.txt")
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(f), 0o644))
	}
	_, _, base := startServer(t, fileserver.Config{Root: root})
	_, _, baseHidden := startServer(t, fileserver.Config{Root: root, Hidden: true})
	tests := []struct {
		path           string
		plain, hidden  int
		onlyOffWindows bool
	}{
		{"/plain.txt", 200, 200, false},
		{"/Desktop.ini", 404, 200, false},
		{"/desktop.ini", 404, 404, false}, // hidden, and not there on a case-sensitive disk
		{"/THUMBS.DB", 404, 200, false},
		{"/$RECYCLE.BIN/junk", 404, 200, false},
		{"/System%20Volume%20Information/x", 404, 200, false},
		{"/aux.c", 200, 200, true},
		{"/12:30.txt", 200, 200, true},
		{"/plain.txt::$DATA", 404, 404, true}, // an ordinary missing name off Windows
	}
	for _, tc := range tests {
		if tc.onlyOffWindows && runtime.GOOS == "windows" {
			continue
		}
		if runtime.GOOS != "linux" && tc.path == "/desktop.ini" {
			continue // case-insensitive disks find Desktop.ini; still hidden, so 404 either way without Hidden
		}
		for _, srv := range []struct {
			base string
			want int
		}{{base, tc.plain}, {baseHidden, tc.hidden}} {
			resp, _ := httpDo(t, http.MethodGet, srv.base+tc.path, nil)
			if resp.StatusCode != srv.want {
				t.Errorf("GET %s (hidden %v): got %d, want %d", tc.path, srv.base == baseHidden, resp.StatusCode, srv.want)
			}
		}
	}
	listed := list(t, base+"/")
	for _, name := range []string{"Desktop.ini", "THUMBS.DB", "$RECYCLE.BIN", "System Volume Information"} {
		if _, ok := listed[name]; ok {
			t.Errorf("the listing shows %q, want it hidden", name)
		}
		if _, ok := list(t, baseHidden+"/")[name]; !ok {
			t.Errorf("with Hidden, the listing lacks %q", name)
		}
	}
	if _, ok := listed["plain.txt"]; !ok {
		t.Error("the listing lacks plain.txt")
	}
}
