package fileserver_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"shareit/fileserver"
)

// TestHiddenAttribute: files and folders with the hidden or system
// attribute are neither listed nor served unless Hidden, like dotfiles.
func TestHiddenAttribute(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "shown.txt"), []byte("s"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "hidden.txt"), []byte("h"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "system.txt"), []byte("y"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "hdir"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "hdir", "inside.txt"), []byte("i"), 0o644))
	setAttrs(t, filepath.Join(root, "hidden.txt"), syscall.FILE_ATTRIBUTE_HIDDEN)
	setAttrs(t, filepath.Join(root, "system.txt"), syscall.FILE_ATTRIBUTE_SYSTEM)
	setAttrs(t, filepath.Join(root, "hdir"), syscall.FILE_ATTRIBUTE_HIDDEN|syscall.FILE_ATTRIBUTE_DIRECTORY)
	_, _, base := startServer(t, fileserver.Config{Root: root})
	_, _, baseHidden := startServer(t, fileserver.Config{Root: root, Hidden: true})
	for _, tc := range []struct {
		path          string
		plain, hidden int
	}{
		{"/shown.txt", 200, 200},
		{"/hidden.txt", 404, 200},
		{"/system.txt", 404, 200},
		{"/hdir/inside.txt", 404, 200},
	} {
		if resp, _ := httpDo(t, "GET", base+tc.path, nil); resp.StatusCode != tc.plain {
			t.Errorf("GET %s: got %d, want %d", tc.path, resp.StatusCode, tc.plain)
		}
		if resp, _ := httpDo(t, "GET", baseHidden+tc.path, nil); resp.StatusCode != tc.hidden {
			t.Errorf("GET %s with Hidden: got %d, want %d", tc.path, resp.StatusCode, tc.hidden)
		}
	}
	listed := list(t, base+"/")
	for _, name := range []string{"hidden.txt", "system.txt", "hdir"} {
		if _, ok := listed[name]; ok {
			t.Errorf("the listing shows %s, want it hidden", name)
		}
	}
	if _, ok := listed["shown.txt"]; !ok {
		t.Error("the listing lacks shown.txt")
	}
}

func setAttrs(t *testing.T, path string, attrs uint32) {
	t.Helper()
	p, err := syscall.UTF16PtrFromString(path)
	must(t, err)
	must(t, syscall.SetFileAttributes(p, attrs))
}
