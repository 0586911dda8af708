package fileserver_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"shareit/fileserver"
)

// TestShareRefusals: what a share of several refuses at start and when
// asked: a hidden item without Hidden, and uploads with nowhere to land.
func TestShareRefusals(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/x.txt": "x", ".cfg/y.txt": "y", "f.txt": "f"})
	for _, paths := range [][]string{{filepath.Join(root, "a"), filepath.Join(root, ".cfg")}, {filepath.Join(root, "a"), filepath.Join(root, "nope")}} {
		if _, err := fileserver.New(fileserver.Config{Paths: paths}, nil); err == nil {
			t.Errorf("New(%q): got no error", paths)
		}
	}
	srv, _, base := startServer(t, fileserver.Config{Paths: []string{filepath.Join(root, "a"), filepath.Join(root, "f.txt")}, Upload: true})
	if srv.Uploadable() {
		t.Error("Uploadable: got true with several paths and no UploadTo")
	}
	resp, body := send(t, http.MethodPut, base+"/a/new.txt", strings.NewReader("new"), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "--upload-to") {
		t.Errorf("PUT with nowhere to land: got %d %s, want 403 naming --upload-to", resp.StatusCode, body)
	}
	resp, body = httpDo(t, http.MethodGet, base+"/", http.Header{"Accept": {"text/html"}})
	if resp.StatusCode != 200 || strings.Contains(string(body), `<form class="up"`) {
		t.Errorf("GET /: got %d, want 200 and no upload form when uploads have nowhere to land", resp.StatusCode)
	}
}
