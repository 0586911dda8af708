//go:build linux

package main

import (
	"regexp"
	"testing"

	"shareit/transfer/testkit"
)

// A limit ending the share in the live view, run in tmux as a tuiSession:
// Linux only, as tuiSession says.

// TestTimeoutTUI: in the live view, a limit stops the server and the log
// says why; the view stays until the person quits.
func TestTimeoutTUI(t *testing.T) {
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--timeout", "1s", shareDir(t))
	s.waitScreen("the share-ended notice", regexp.MustCompile(`share ended: open for 1s \(--timeout 1s\); stopped listening`))
	s.waitScreen("the stopped state", regexp.MustCompile(`● stopped`))
	s.keys("q")
	testkit.Eventually(t, waitFor, "shareit to exit after q", func() bool {
		_, done := s.exitStatus()
		return done
	})
	if code, _ := s.exitStatus(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
}
