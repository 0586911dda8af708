//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// File permissions: shareit runs as an unprivileged user on files and folders
// it may not read. Unix only: Windows has no permission bits that chmod sets,
// nor a user to switch to.

// unprivileged makes cmd run as nobody when the tests run as root, who may
// read anything.
func unprivileged(cmd *exec.Cmd) {
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
}

// openTempDir makes a temporary folder that an unprivileged user can reach:
// every folder on the way must be open to that user, and t.TempDir's
// parent is not.
func openTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "shareit-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestUnreadableFolder runs shareit as an unprivileged user (the tests run
// as root, who may read anything) on folders it may not list.
func TestUnreadableFolder(t *testing.T) {
	parent := openTempDir(t)
	for _, mode := range []os.FileMode{0o300, 0o000} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := filepath.Join(parent, "locked"+mode.String())
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
			r := runWith(t, parent, unprivileged, "-b", "127.0.0.1", "-p", "0", dir)
			checkFailure(t, r, 1, "permission denied")
			if !strings.HasPrefix(r.stderr, "shareit: "+dir+": ") {
				t.Errorf("stderr: got %q, want it to name the folder", r.stderr)
			}
		})
	}
}

// TestUnreadableFiles runs shareit as an unprivileged user (the tests run
// as root, who may read anything): files and folders it may not read get
// 403, the rest is served, and the server goes on.
func TestUnreadableFiles(t *testing.T) {
	parent := openTempDir(t)
	var err error
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{
		{"open.txt", 0o644}, {"secret.txt", 0o600}, {"locked", 0o700 | os.ModeDir}, {"locked/inner.txt", 0o644},
		{"nolist", 0o711 | os.ModeDir}, {"nolist/known.txt", 0o644},
	} {
		p := filepath.Join(parent, f.path)
		if f.mode.IsDir() {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte(f.path+"\n"), 0o644)
		}
		if err == nil {
			err = os.Chmod(p, f.mode.Perm())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-b", "127.0.0.1", "-p", "0", parent)
	unprivileged(cmd)
	p := startCmd(t, parent, cmd)
	port := p.port()
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/open.txt", 200, "open.txt\n"},
		{"/secret.txt", 403, ""},
		{"/locked/", 403, ""},
		{"/locked/inner.txt", 403, ""},
		{"/locked/?zip", 403, ""},
		{"/nolist/", 403, ""},
		// os.Root opens every folder on the way, which takes read
		// permission: a folder one may enter but not list hides its
		// files too.
		{"/nolist/known.txt", 403, ""},
		{"/", 200, ""},
		{"/open.txt", 200, "open.txt\n"},
	}
	for _, tc := range tests {
		status, body := get(t, port, tc.path)
		if status != tc.status || tc.body != "" && body != tc.body {
			t.Errorf("GET %s: got %d %.40q, want %d %q", tc.path, status, body, tc.status, tc.body)
		}
		if status == 403 && (strings.Contains(body, parent) || strings.Contains(body, "permission")) {
			t.Errorf("GET %s: the 403 page tells about the server's insides: %s", tc.path, body)
		}
	}
	for _, l := range []string{`"GET /secret\.txt HTTP/1\.1" 403 `, `"GET /locked/inner\.txt HTTP/1\.1" 403 `} {
		p.waitLine(regexp.MustCompile(l))
	}
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if s := withoutSummary(p.stderr.String()); s != "" {
		t.Errorf("stderr: got %q, want nothing", s)
	}
}
