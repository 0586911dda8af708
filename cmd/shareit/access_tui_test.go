//go:build linux

package main

import (
	"regexp"
	"strconv"
	"testing"

	"shareit/transfer/testkit"
)

// The live view of "Access and reach", run in tmux as a tuiSession: Linux
// only, as tuiSession says.

// TestTUIAccess: in the live view, --tls shows the https URL and the whole
// fingerprint (at 120 columns), and + and - step the rate cap shown in the
// header, noting each change in the log.
func TestTUIAccess(t *testing.T) {
	needTools(t, "tmux", "openssl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--tls", "--rate", "2MB/s", shareDir(t))
	m := s.waitScreen("the https URL", regexp.MustCompile(`https://127\.0\.0\.1:(\d+)/`))
	port, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	fp := s.waitScreen("the fingerprint", regexp.MustCompile(`TLS SHA-256 ([0-9A-F]{2}(?::[0-9A-F]{2}){31})`))[1]
	if served := servedFingerprint(t, port); fp != served {
		t.Errorf("the TUI shows fingerprint %s, openssl sees %s", fp, served)
	}
	s.waitScreen("the cap in the header", regexp.MustCompile(`cap 2 MB/s per client`))
	for _, step := range []struct{ key, cap, note string }{
		{"-", "cap 1 MB/s per client", "rate cap per client: 1 MB/s"},
		{"+", "cap 2 MB/s per client", "rate cap per client: 2 MB/s"},
		{"+", "cap 5 MB/s per client", "rate cap per client: 5 MB/s"},
	} {
		s.keys(step.key)
		s.waitScreen(step.cap, regexp.MustCompile(regexp.QuoteMeta(step.cap)))
		s.waitScreen("the log's note", regexp.MustCompile(regexp.QuoteMeta(step.note)))
	}
	s.keys("q")
	testkit.Eventually(t, waitFor, "shareit to exit", func() bool { _, ok := s.exitStatus(); return ok })
	if code, _ := s.exitStatus(); code != 0 {
		t.Errorf("exit status: got %d, want 0", code)
	}
}
