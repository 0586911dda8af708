package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer/testkit"
)

// reachSize is the size of reachDir's big.bin: far more than the socket
// buffers of a loopback connection hold, so a client that stops reading
// holds its transfer open, and an aborted download is cut short.
const reachSize = 64 << 20

// reachDir makes a folder with big.bin (sparse, reachSize bytes),
// small.txt (6 bytes) and sub/in.txt.
func reachDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sparseFile(t, filepath.Join(dir, "big.bin"), reachSize)
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "in.txt"), []byte("in a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// curl runs curl with args (the URL among them, as "http://127.0.0.1:PORT"
// + path) and returns its exit code. Bodies go to /dev/null.
func curl(t *testing.T, args ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, "curl", append([]string{"-s", "-o", "/dev/null", "--max-time", "20"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("curl %s: still running after %v", strings.Join(args, " "), waitFor)
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("curl %s: %v %s", strings.Join(args, " "), err, out)
	}
	return cmd.ProcessState.ExitCode()
}

func baseURL(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }

// waitLogs waits until stdout holds n request log lines in all.
func (p *proc) waitLogs(n int) {
	p.t.Helper()
	testkit.Eventually(p.t, waitFor, strconv.Itoa(n)+" log lines", func() bool {
		got := 0
		for _, l := range p.output() {
			if anyLogRE.MatchString(l) {
				got++
			}
		}
		if got < n && p.exited() {
			p.t.Fatalf("shareit exited (%v) after %d log lines, want %d", p.cmd.ProcessState, got, n)
		}
		return got >= n
	})
}

// waitStderr waits for stderr to hold a line matching re.
func (p *proc) waitStderr(re *regexp.Regexp) string {
	p.t.Helper()
	var found string
	testkit.Eventually(p.t, waitFor, "stderr matching "+re.String(), func() bool {
		found = re.FindString(p.stderr.String())
		return found != ""
	})
	return found
}

// TestReachUsageErrors: bad values of the reach flags exit 2 with one line.
func TestReachUsageErrors(t *testing.T) {
	dir := shareDir(t)
	tests := []struct {
		name    string
		args    []string
		wantMsg string
	}{
		{"timeout without a unit", []string{"--timeout", "10"}, `invalid argument "10" for "--timeout"`},
		{"timeout in words", []string{"--timeout", "soon"}, `invalid argument "soon"`},
		{"timeout negative", []string{"--timeout=-5s"}, "invalid --timeout -5s"},
		{"timeout missing", []string{"--timeout"}, "flag needs an argument"},
		{"max-downloads negative", []string{"--max-downloads=-1"}, "invalid --max-downloads -1"},
		{"max-downloads not a number", []string{"--max-downloads", "two"}, `invalid argument "two"`},
		{"mdns on loopback", []string{"--mdns"}, "--mdns announces the share on the LAN"},
		{"receipt missing", []string{"--receipt"}, "flag needs an argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-b", "127.0.0.1", "-p", "0", dir}, tt.args...)
			checkFailure(t, runOnce(t, dir, args...), 2, tt.wantMsg)
		})
	}
	t.Run("receipt in a missing folder", func(t *testing.T) {
		r := runOnce(t, dir, "-b", "127.0.0.1", "-p", "0", "--receipt", filepath.Join(dir, "nope", "r.jsonl"), dir)
		checkFailure(t, r, 1, "--receipt: ")
	})
}

func TestParseReachArgs(t *testing.T) {
	tests := []struct {
		args []string
		want reachOptions
	}{
		{nil, reachOptions{}},
		{[]string{"--timeout", "90s"}, reachOptions{timeout: 90 * time.Second}},
		{[]string{"--timeout=2h", "--max-downloads", "5"}, reachOptions{timeout: 2 * time.Hour, maxDownloads: 5}},
		{[]string{"--mdns", "--receipt", "r.jsonl"}, reachOptions{mdns: true, receipt: "r.jsonl"}},
		{[]string{"--mdns", "-b", "192.0.2.1"}, reachOptions{mdns: true}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseArgs(tt.args)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got.reach != tt.want {
				t.Errorf("got %+v, want %+v", got.reach, tt.want)
			}
		})
	}
}

func TestShortDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{2 * time.Second, "2s"},
		{90 * time.Second, "1m30s"},
		{10 * time.Minute, "10m"},
		{2 * time.Hour, "2h"},
		{2*time.Hour + 30*time.Minute, "2h30m"},
		{1500 * time.Millisecond, "1.5s"},
	}
	for _, tt := range tests {
		if got := shortDuration(tt.d); got != tt.want {
			t.Errorf("shortDuration(%v): got %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestCleanLabel(t *testing.T) {
	tests := []struct{ host, want string }{
		{"laptop", "laptop"},
		{"ana-laptop.lan", "ana-laptop"},
		{"Ana's MacBook Pro", "anas-macbook-pro"},
		{"VM", "vm"},
		{"box_1.example.com", "box-1"},
		{"-edge-", "edge"},
		{"ünïcode", "ncode"},
		{"", "shareit"},
		{"...", "shareit"},
		{strings.Repeat("a", 70), strings.Repeat("a", 63)},
	}
	for _, tt := range tests {
		if got := fileserver.HostLabel(tt.host); got != tt.want {
			t.Errorf("fileserver.HostLabel(%q): got %q, want %q", tt.host, got, tt.want)
		}
	}
}
