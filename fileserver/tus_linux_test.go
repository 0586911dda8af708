package fileserver_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shareit/fileserver"
)

// TestTusDiskFull: an upload that does not fit on the disk is answered 507
// with a sentence, and leaves nothing behind: not in the folder, not in
// the staging folder, which shares the disk.
func TestTusDiskFull(t *testing.T) {
	disk := mountTmpfs(t, t.TempDir(), "small", "size=256k", 0)
	root, staging := filepath.Join(disk, "share"), filepath.Join(disk, "staging")
	must(t, os.Mkdir(root, 0o755))
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: staging})
	data := randomBytes(1 << 20)
	_, loc := tusCreate(t, base+"/", map[string]string{"filename": "big.bin"}, int64(len(data)), nil)
	resp, body := tusPatch(t, loc, 0, data)
	if resp.StatusCode != http.StatusInsufficientStorage || !strings.Contains(string(body), "not enough space") || strings.Contains(string(body), disk) {
		t.Errorf("PATCH 1 MiB on a 256 KiB disk: got %d %q, want 507 saying there is not enough space", resp.StatusCode, body)
	}
	checkDir(t, root, map[string]string{})
	checkDir(t, staging, map[string]string{})
	if status, _, _ := tusHead(t, loc); status != http.StatusNotFound {
		t.Errorf("HEAD of the upload that did not fit: got %d, want 404", status)
	}
	// What fits still lands.
	_, loc = tusCreate(t, base+"/", map[string]string{"filename": "fits.txt"}, 4, nil)
	if resp, _ := tusPatch(t, loc, 0, []byte("fits")); resp.StatusCode != http.StatusNoContent {
		t.Errorf("PATCH a small file after: got %d, want 204", resp.StatusCode)
	}
}
