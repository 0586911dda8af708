//go:build linux

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shareit/transfer/testkit"
)

// TestExitSummaryTUI: quitting the live view leaves the summary in the
// terminal, after the alternate screen is gone.
func TestExitSummaryTUI(t *testing.T) {
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", shareDir(t))
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	port, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, port, "/a.txt"); status != 200 {
		t.Fatalf("GET /a.txt: got %d, want 200", status)
	}
	s.waitScreen("the request in the log", regexp.MustCompile(`"GET /a\.txt HTTP/1\.1" 200`))
	s.keys("q")
	testkit.Eventually(t, waitFor, "shareit to exit", func() bool { _, ok := s.exitStatus(); return ok })
	if code, _ := s.exitStatus(); code != 0 {
		t.Errorf("exit status: got %d, want 0", code)
	}
	screen := s.screen()
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^shareit served for \d+s: sent 1 file \(9 B, complete\)$`),
		regexp.MustCompile(`(?m)^  127\.0\.0\.1  sent 1 file \(9 B, complete\)$`),
	} {
		if !re.MatchString(screen) {
			t.Errorf("the terminal after quitting: want a line matching %s, got\n%s", re, screen)
		}
	}
	if strings.Contains(screen, "Transfers") {
		t.Errorf("the live view is still on the screen after quitting:\n%s", screen)
	}
}
