package fileserver_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"shareit/fileserver"
	"shareit/transfer"
)

// mountTmpfs mounts a fresh tmpfs with opts on a new folder under dir and
// unmounts it when the test ends. The tests run as root, as CI does.
func mountTmpfs(t *testing.T, dir, name, opts string, flags uintptr) string {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.Mkdir(p, 0o755))
	if err := unix.Mount("tmpfs", p, "tmpfs", flags, opts); err != nil {
		t.Fatalf("mount tmpfs on %s: %v (this test needs root with CAP_SYS_ADMIN, as `make test` in CI has)", p, err)
	}
	t.Cleanup(func() { unix.Unmount(p, unix.MNT_DETACH) })
	return p
}

// TestUploadDiskTrouble: a full disk gives 507, a read-only disk and a
// folder no one may write 403, each with a sentence that says so, and no
// leftover.
func TestUploadDiskTrouble(t *testing.T) {
	root := t.TempDir()
	mountTmpfs(t, root, "small", "size=256k", 0)
	mountTmpfs(t, root, "readonly", "size=1m", unix.MS_RDONLY)
	locked := mountTmpfs(t, root, "locked", "size=1m", 0)
	setImmutable(t, locked)
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	big := strings.Repeat("f", 1<<20)
	tests := []struct {
		name   string
		method string
		path   string
		status int
		msg    string
	}{
		{"disk full, PUT", "PUT", "/small/big.bin", 507, "not enough space"},
		{"disk full, form", "POST", "/small/", 507, "not enough space"},
		{"read-only disk", "PUT", "/readonly/x.bin", 403, "read-only"},
		{"immutable folder", "POST", "/locked/", 403, "may not create files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var body []byte
			if tc.method == "PUT" {
				resp, body = send(t, "PUT", base+tc.path, strings.NewReader(big), nil)
			} else {
				resp, body = postFiles(t, base+tc.path, nil, part{"big.bin", big})
			}
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.msg) {
				t.Errorf("got %d, want %d saying %q:\n%s", resp.StatusCode, tc.status, tc.msg, body)
			}
			dir := filepath.Join(root, strings.Trim(filepath.Dir(tc.path+"x"), "/"))
			checkDir(t, dir, map[string]string{})
		})
	}
	// The full disk takes a file that fits.
	if resp, _ := send(t, "PUT", base+"/small/fits.txt", strings.NewReader("fits"), nil); resp.StatusCode != 201 {
		t.Errorf("PUT a small file on the small disk: got %d, want 201", resp.StatusCode)
	}
}

// setImmutable makes dir immutable (chattr +i): not even root may create
// files in it. It is made mutable again when the test ends.
func setImmutable(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(dir)
	must(t, err)
	defer f.Close()
	const immutable = 0x10 // FS_IMMUTABLE_FL, linux/fs.h
	if err := unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, immutable); err != nil {
		t.Fatalf("chattr +i %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if f, err := os.Open(dir); err == nil {
			unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, 0)
			f.Close()
		}
	})
}

// TestUploadDiskFullTransfer: an upload that fills the disk is answered
// 507 with a sentence, shows as a failed transfer, leaves nothing behind,
// and the server goes on serving and taking uploads that fit.
func TestUploadDiskFullTransfer(t *testing.T) {
	root := t.TempDir()
	small := mountTmpfs(t, root, "small", "size=256k", 0)
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	sub := tracker.Subscribe()
	defer sub.Close()
	resp, body := send(t, "PUT", base+"/small/big.bin", bytes.NewReader(make([]byte, 2<<20)), nil)
	if resp.StatusCode != http.StatusInsufficientStorage || !strings.Contains(string(body), "not enough space") {
		t.Errorf("PUT 2 MiB on a 256 KiB disk: got %d %q, want 507 saying there is not enough space", resp.StatusCode, body)
	}
	ev := waitEvent(t, sub, 10*time.Second, ended)
	if ev.Kind != transfer.EventFailed || ev.Transfer.Kind != transfer.Upload || ev.Transfer.Err == "" {
		t.Errorf("the upload ended %s %s (%q), want a failed upload with a reason", ev.Transfer.Kind, ev.Transfer.State, ev.Transfer.Err)
	}
	checkDir(t, small, map[string]string{})
	if resp, _ := send(t, "PUT", base+"/small/fits.txt", strings.NewReader("fits"), nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("PUT a small file after: got %d, want 201", resp.StatusCode)
	}
}
