//go:build linux

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shareit/transfer/testkit"
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

// TestTUIBrowse runs shareit in tmux (a tuiSession, so Linux only): b
// browses the share through the server's view (no dotfile shows), enter
// opens a folder, c copies the selected file's link with OSC 52 (tmux
// keeps it as a paste buffer), p pins its code to the URLs panel, z shows
// it full screen.
func TestTUIBrowse(t *testing.T) {
	needTools(t, "tmux", "curl")
	dir, _ := oneFileDir(t)
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", dir)
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	s.tmux("set-option", "-s", "set-clipboard", "on")
	link := "http://127.0.0.1:" + m[1] + "/sub/in.txt"

	s.keys("b")
	s.waitScreen("the browser", regexp.MustCompile(`Browse / `))
	if strings.Contains(s.screen(), ".env") {
		t.Error("the browser shows .env")
	}
	s.keys("Enter") // sub/ comes first: folders first
	s.waitScreen("the folder sub", regexp.MustCompile(`Browse /sub/`))
	s.keys("Down")
	s.waitScreen("the link of in.txt", regexp.MustCompile(regexp.QuoteMeta(link)+` · c copy`))
	s.keys("c")
	testkit.Eventually(t, waitFor, "the clipboard to hold the link", func() bool {
		got, err := s.run("show-buffer")
		return err == nil && got == link
	})
	s.keys("p", "Escape")
	s.waitScreen("the pinned code", regexp.MustCompile(`URLs code of /sub/in\.txt`))
	s.keys("b", "Enter", "Down", "z")
	s.waitScreen("the full-screen code", regexp.MustCompile(`^\s*`+regexp.QuoteMeta(link)+`\s*$`))
	s.keys("Space")
	s.waitScreen("back to the browser", regexp.MustCompile(`Browse /sub/`))
}
