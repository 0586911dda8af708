package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestUsageErrors: bad command lines exit 2 and bad folders exit 1, each
// with one line on stderr and nothing on stdout.
func TestUsageErrors(t *testing.T) {
	dir := shareDir(t)
	file := filepath.Join(dir, "a.txt")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  string
	}{
		{"unknown flag", []string{"--nope"}, 2, "unknown flag: --nope"},
		{"unknown shorthand", []string{"-z"}, 2, "unknown shorthand flag"},
		{"port not a number", []string{"-p", "abc"}, 2, `invalid argument "abc"`},
		{"port too large", []string{"-p", "70000"}, 2, "invalid port 70000"},
		{"port negative", []string{"--port=-1"}, 2, "invalid port -1"},
		{"port missing", []string{"-p"}, 2, "flag needs an argument"},
		{"bind not an IP", []string{"-b", "not-an-ip"}, 2, `invalid --bind address "not-an-ip"`},
		{"bind host name", []string{"--bind", "example.com"}, 2, "invalid --bind address"},
		{"two paths, one missing", []string{dir, filepath.Join(dir, "nope")}, 1, filepath.Join(dir, "nope") + ": no such folder"},
		{"two paths, -u without --upload-to", []string{"-u", dir, file}, 2, "-u needs --upload-to DIR"},
		{"DIR and other paths with -d", []string{"-d", dir, dir, file}, 2, "give the folder once"},
		{"DIR and -d differ", []string{"-d", dir, filepath.Dir(dir)}, 2, "give the folder once"},
		{"no such folder", []string{filepath.Join(dir, "nope")}, 1, filepath.Join(dir, "nope") + ": no such folder"},
		{"no such folder, -d", []string{"-d", filepath.Join(dir, "nope")}, 1, "no such folder"},
		{"a file, -u without --upload-to", []string{"-u", file}, 2, "-u needs --upload-to DIR"},
		{"--upload-to without -u", []string{"--upload-to", dir, dir}, 2, "turn them on with -u"},
		{"two paths, --drop without --upload-to", []string{"--drop", dir, file}, 2, "--drop needs --upload-to DIR"},
		{"a file, --drop", []string{"--drop", "-u", "--upload-to", dir, file}, 2, "--drop collects files into a folder"},
		{"--drop and a text", []string{"--drop", "--text", "hi"}, 2, "--drop collects files"},
		{"--upload-to a file", []string{"-u", "--upload-to", file, dir}, 1, "--upload-to " + file + ": not a folder"},
		{"log in a missing folder", []string{"--log", filepath.Join(dir, "nope", "x.log"), dir}, 1, "--log: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Loopback and any port, in case it wrongly starts serving; a
			// flag given again later wins.
			args := append([]string{"-b", "127.0.0.1", "-p", "0"}, tt.args...)
			checkFailure(t, runOnce(t, dir, args...), tt.wantCode, tt.wantMsg)
		})
	}
}

func checkFailure(t *testing.T, r result, wantCode int, wantMsg string) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit code: got %d, want %d", r.code, wantCode)
	}
	if r.stdout != "" {
		t.Errorf("stdout: got %q, want nothing", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr: got %q, want exactly one line", r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "shareit: ") || !strings.Contains(r.stderr, wantMsg) {
		t.Errorf("stderr: got %q, want \"shareit: …%s…\"", r.stderr, wantMsg)
	}
	if wantCode == 2 && !strings.Contains(r.stderr, "--help") {
		t.Errorf("stderr: got %q, want it to point to --help", r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"--version", "-p", "1", "/nonexistent"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runOnce(t, t.TempDir(), args...)
			if r.code != 0 || r.stdout != "shareit "+testVersion+"\n" || r.stderr != "" {
				t.Errorf("got exit %d, stdout %q, stderr %q, want 0, %q, nothing", r.code, r.stdout, r.stderr,
					"shareit "+testVersion+"\n")
			}
		})
	}
}

func TestHelp(t *testing.T) {
	// The flags as documented in PRODUCT.md that shareit has so far, and
	// every flag it defines.
	want := []string{"-p, --port", "-b, --bind", "-d, --directory", "--headless", "--hidden", "--follow-symlinks",
		"--log", "--version", "-h, --help", "Usage:", "Examples:"}
	newFlagSet(&options{}).VisitAll(func(f *pflag.Flag) {
		want = append(want, "--"+f.Name, f.Usage[:min(len(f.Usage), 20)])
		if f.Shorthand != "" {
			want = append(want, "-"+f.Shorthand+", --"+f.Name)
		}
	})
	for _, flag := range []string{"--help", "-h"} {
		t.Run(flag, func(t *testing.T) {
			r := runOnce(t, t.TempDir(), flag)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("got exit %d, stderr %q, want 0 and nothing", r.code, r.stderr)
			}
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help does not mention %q:\n%s", w, r.stdout)
				}
			}
			if i := strings.Index(r.stdout, "Examples:"); i < 0 || !strings.Contains(r.stdout[i:], "  shareit ") {
				t.Errorf("help has no example commands after \"Examples:\"")
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want options
	}{
		{nil, options{dir: ".", port: 8000}},
		{[]string{"x"}, options{dir: "x", port: 8000}},
		{[]string{"-d", "x"}, options{dir: "x", port: 8000}},
		{[]string{"--directory=x", "x"}, options{dir: "x", port: 8000}},
		{[]string{"-p", "0", "-b", "localhost"}, options{dir: ".", port: 0, bind: "127.0.0.1"}},
		{[]string{"--port", "65535", "--bind", "::1"}, options{dir: ".", port: 65535, bind: "::1"}},
		{[]string{"--headless", "--hidden", "--follow-symlinks", "--log", "a.log", "dir"},
			options{dir: "dir", port: 8000, headless: true, hidden: true, followSymlinks: true, logFile: "a.log"}},
		{[]string{"--", "-weird-name"}, options{dir: "-weird-name", port: 8000}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseArgs(tt.args)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}
