//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTUIUploads runs shareit in tmux (a tuiSession, so Linux only): u turns uploads on and off, live,
// and a running upload shows as a transfer row with its progress.
func TestTUIUploads(t *testing.T) {
	needTools(t, "tmux", "curl")
	share := t.TempDir()
	src := filepath.Join(t.TempDir(), "slow upload.bin")
	if err := os.WriteFile(src, []byte(strings.Repeat("u", 2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", share)
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	base := "http://127.0.0.1:" + m[1] + "/"
	put := func(name string) string {
		t.Helper()
		out, err := exec.Command("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", "-", base+name).Output()
		if err != nil {
			t.Fatalf("curl -T: %v", err)
		}
		return string(out)
	}
	s.waitScreen("the header to say read-only", regexp.MustCompile(`read-only`))
	if got := put("before.txt"); got != "405" {
		t.Errorf("PUT while read-only: got %s, want 405", got)
	}

	s.keys("u")
	s.waitScreen("the header to say uploads on", regexp.MustCompile(`uploads on`))
	if got := put("during.txt"); got != "201" {
		t.Errorf("PUT with uploads on: got %s, want 201", got)
	}
	// A slow upload is a row: its name and a percent.
	curl := exec.Command("curl", "-s", "-o", "/dev/null", "--limit-rate", "200K", "-T", src, base)
	if err := curl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		curl.Process.Kill()
		curl.Wait()
	})
	s.waitScreen("the upload's row", regexp.MustCompile(`slow upload\.bin.*\b\d{1,3}%`))

	s.keys("u")
	s.waitScreen("the header to say read-only again", regexp.MustCompile(`read-only`))
	if got := put("after.txt"); got != "405" {
		t.Errorf("PUT after uploads off: got %s, want 405", got)
	}
	if _, err := os.Stat(filepath.Join(share, "during.txt")); err != nil {
		t.Errorf("during.txt: %v", err)
	}
	for _, name := range []string{"before.txt", "after.txt"} {
		if _, err := os.Stat(filepath.Join(share, name)); err == nil {
			t.Errorf("%s exists: uploads were off", name)
		}
	}
}
