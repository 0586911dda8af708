//go:build linux

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTUIAddRemove runs shareit in tmux (a tuiSession, so Linux only): a
// adds a path with tab completion, at once reachable; a bad path is
// refused with a message and nothing changes; R removes one, and new
// requests for it get 404. Each change is logged with its time.
func TestTUIAddRemove(t *testing.T) {
	needTools(t, "tmux", "curl")
	first, _ := oneFileDir(t)
	second := filepath.Join(t.TempDir(), "extra-stuff")
	if err := os.Mkdir(second, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(second, "added.txt"), []byte("added\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", first)
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	base := "http://127.0.0.1:" + m[1]
	status := func(path string) int { t.Helper(); return curlGet(t, base, path).status }

	s.keys("a")
	s.waitScreen("the prompt", regexp.MustCompile(`share also:`))
	s.typeText(filepath.Join(second, "nope"))
	s.keys("Enter")
	s.waitScreen("the refusal", regexp.MustCompile(`✗ .*nope: no such folder`))
	if got := status("/next.txt"); got != 200 {
		t.Errorf("after a refused path: /next.txt got %d, want 200 as before", got)
	}
	s.keys("C-u")
	s.typeText(filepath.Dir(second) + "/extra-st")
	s.keys("Tab", "Enter")
	s.waitScreen("the log line of the change", regexp.MustCompile(`\d\d:\d\d:\d\d now sharing `+regexp.QuoteMeta(second)+` as /`+regexp.QuoteMeta(filepath.Base(second))))
	name := filepath.Base(second)
	if got := status("/" + name + "/added.txt"); got != 200 {
		t.Errorf("the added folder: got %d, want 200", got)
	}
	if got := status("/" + filepath.Base(first) + "/next.txt"); got != 200 {
		t.Errorf("the first folder, now under its name: got %d, want 200", got)
	}

	s.keys("R")
	s.waitScreen("the list of shared paths", regexp.MustCompile(`Shared .*2 paths`))
	s.keys("Down", "Enter")
	s.waitScreen("the log line of the removal", regexp.MustCompile(`\d\d:\d\d:\d\d stopped sharing `+regexp.QuoteMeta(second)))
	if got := status("/" + name + "/added.txt"); got != 404 {
		t.Errorf("the removed folder: got %d, want 404", got)
	}
	if got := status("/" + filepath.Base(first) + "/next.txt"); got != 200 {
		t.Errorf("the folder kept: got %d, want 200", got)
	}
}
