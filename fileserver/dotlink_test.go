package fileserver_test

import (
	"os"
	"path/filepath"
	"testing"

	"shareit/fileserver"
)

// TestSymlinkToDotfileInside pins a decision (docs/SECURITY.md): a
// symlink inside the folder that points to a dotfile or into a dot-folder
// inside it is listed and served under its own name, as the folder's owner
// made it; the dotfile itself is neither, and nothing outside is reached.
func TestSymlinkToDotfileInside(t *testing.T) {
	root := confinedTree(t)
	must(t, os.Symlink(".env", filepath.Join(root, "env-link")))
	must(t, os.Symlink(".git", filepath.Join(root, "git-link")))
	_, _, base := startServer(t, fileserver.Config{Root: root})
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/.env", 404, ""},
		{"/env-link", 200, dotenvText},
		{"/git-link/config", 200, gitText},
		{"/.git/config", 404, ""},
	}
	for _, tc := range tests {
		resp, body := httpDo(t, "GET", base+tc.path, nil)
		if resp.StatusCode != tc.status || tc.body != "" && string(body) != tc.body {
			t.Errorf("GET %s: got %d %.30q, want %d %q", tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}
