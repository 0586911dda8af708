package main

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestExitSummaryHeadless: on exit, headless shareit says on stderr what
// it sent, per client; stdout stays the request log.
func TestExitSummaryHeadless(t *testing.T) {
	p := start(t, t.TempDir(), "--headless", "-b", "127.0.0.1", "-p", "0", shareDir(t))
	p.banner()
	if status, _ := get(t, p.port(), "/a.txt"); status != 200 {
		t.Fatalf("GET /a.txt: got %d, want 200", status)
	}
	p.waitLine(logRE)
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM: got %d, want 0", code)
	}
	want := regexp.MustCompile(`^shareit served for \d+s: sent 1 file \(9 B, complete\)\n` +
		`  127\.0\.0\.1  sent 1 file \(9 B, complete\)\n$`)
	if got := p.stderr.String(); !want.MatchString(got) {
		t.Errorf("stderr: got %q, want the summary matching %s", got, want)
	}
	for _, l := range p.output() {
		if strings.Contains(l, "served for") {
			t.Errorf("stdout holds the summary %q: want it on stderr, out of the request log", l)
		}
	}
}

// summaryRE is the summary shareit prints on exit: its first line and the
// lines of its clients.
var summaryRE = regexp.MustCompile(`(?m)^shareit served for .*\n(?:  \S+  .*\n)*`)

// withoutSummary is stderr without the exit summary: what tests that want
// no message on stderr look at.
func withoutSummary(stderr string) string { return summaryRE.ReplaceAllString(stderr, "") }

// TestHeadlessNoticesHaveTime: a notice on stderr carries its time, in
// the request lines' format.
func TestHeadlessNoticesHaveTime(t *testing.T) {
	p := start(t, t.TempDir(), "--headless", "--max-downloads", "3", "-b", "127.0.0.1", "-p", "0", shareDir(t))
	p.banner()
	if status, _ := get(t, p.port(), "/a.txt"); status != 200 {
		t.Fatalf("GET /a.txt: got %d, want 200", status)
	}
	stamped := regexp.MustCompile(`(?m)^\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] download 1 of 3 complete: 127\.0\.0\.1 took /a\.txt$`)
	p.waitStderr(stamped)
	p.stop(syscall.SIGTERM)
}
