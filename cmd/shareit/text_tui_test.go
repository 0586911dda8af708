//go:build linux

package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"shareit/transfer/testkit"
)

// TestTUIMessages runs `shareit -u --text` in tmux (a tuiSession, so Linux
// only): a text a phone sends shows in the messages panel (m) with its
// time and sender, escaped, and c copies it, as sent, to the clipboard
// with OSC 52 (tmux, with set-clipboard on, keeps it as a paste buffer).
func TestTUIMessages(t *testing.T) {
	needTools(t, "tmux", "curl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "-u", "--text", "the laptop's text")
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	s.tmux("set-option", "-s", "set-clipboard", "on")
	base := "http://127.0.0.1:" + m[1] + "/"
	const sent = "door code 4711\n\x1b[2Jcleared?"
	out, err := exec.Command("curl", "-s", "--data-urlencode", "text="+sent, base+"?text").Output()
	if err != nil || string(out) != "sent\n" {
		t.Fatalf("curl: %v %q", err, out)
	}
	s.waitScreen("the status to say a text came", regexp.MustCompile(`a text from 127\.0\.0\.1 · m shows it`))
	s.keys("m")
	s.waitScreen("the text in the messages panel", regexp.MustCompile(`\d\d:\d\d:\d\d 127\.0\.0\.1 +door code 4711 ⏎ \\x1b\[2Jcleared\?`))
	s.keys("c")
	s.waitScreen("the status to say it was copied", regexp.MustCompile(`copied the text from 127\.0\.0\.1`))
	testkit.Eventually(t, waitFor, "the clipboard to hold the text", func() bool {
		got, err := s.run("show-buffer")
		return err == nil && strings.TrimSuffix(got, "\n") == sent
	})
	s.waitScreen("the log line of the text", regexp.MustCompile(`text from 127\.0\.0\.1 \(\d+ B\): door code 4711\\x0a`))
}
