package fileserver

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestRenameNoReplace: the rename for file systems without hard links
// gives a file its name, and never replaces one already there.
func TestRenameNoReplace(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	must(t, os.WriteFile(filepath.Join(dir, "tmp1"), []byte("new"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "taken"), []byte("old"), 0o644))

	err = renameNoReplace(root, "tmp1", "taken")
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("this OS has no rename that refuses to replace")
	}
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("onto an existing name: got %v, want an error that is fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "taken")); string(b) != "old" {
		t.Errorf("the existing file holds %q, want %q", b, "old")
	}
	if err := renameNoReplace(root, "tmp1", "free"); err != nil {
		t.Fatalf("onto a free name: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "free")); string(b) != "new" {
		t.Errorf("the renamed file holds %q, want %q", b, "new")
	}
	if _, err := os.Lstat(filepath.Join(dir, "tmp1")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the old name: got %v, want it gone", err)
	}
}
