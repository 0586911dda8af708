package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"shareit/transfer"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"4096", 4096, ""},
		{"0", 0, ""},
		{"100MB", 100_000_000, ""},
		{"100mb", 100_000_000, ""},
		{"1.5 GB", 1_500_000_000, ""},
		{"2GiB", 2 << 30, ""},
		{"512KiB", 512 << 10, ""},
		{"10M", 10 << 20, ""},
		{"1T", 1 << 40, ""},
		{"7B", 7, ""},
		{"", 0, "want a size"},
		{"MB", 0, "want a size"},
		{"-1MB", 0, "want a size"},
		{"1.2.3MB", 0, "want a size"},
		{"12 parsecs", 0, `unknown unit "parsecs"`},
		{"9999999TB", 0, "too large"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := transfer.ParseSize(tc.in)
			switch {
			case tc.err == "" && (err != nil || got != tc.want):
				t.Errorf("transfer.ParseSize(%q): got %d, %v; want %d", tc.in, got, err, tc.want)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("transfer.ParseSize(%q): got %d, %v; want an error saying %q", tc.in, got, err, tc.err)
			}
		})
	}
}

// TestUploadFlags: a bad --max-upload is a usage error (exit 2).
func TestUploadFlags(t *testing.T) {
	dir := shareDir(t)
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--max-upload", "lots"}, `invalid argument "lots" for "--max-upload" flag: want a size`},
		{[]string{"--max-upload=5 parsecs"}, `unknown unit "parsecs"`},
		{[]string{"--max-upload"}, "flag needs an argument: --max-upload"},
		{[]string{"-u=maybe"}, `invalid argument "maybe" for "-u, --upload" flag`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runOnce(t, dir, append([]string{"-b", "127.0.0.1", "-p", "0"}, tc.args...)...)
			checkFailure(t, r, 2, tc.msg)
		})
	}
}

// TestUploadEndToEnd runs the binary read-only and with -u --max-upload:
// the banner says which, and uploads are refused or land, within the limit.
func TestUploadEndToEnd(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		mode   string
		small  int // status of a small PUT
		big    int // status of a PUT past 1 KB
		exists bool
	}{
		{"read-only", nil, "read-only", 405, 405, false},
		{"uploads on", []string{"-u", "--max-upload", "1KB"}, "uploads on", 201, 413, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := shareDir(t)
			p := start(t, dir, append([]string{"--headless", "-b", "127.0.0.1", "-p", "0"}, tc.args...)...)
			head, _ := p.banner()
			if want := "Serving " + dir + " (" + tc.mode + ") at:"; len(head) == 0 || head[0] != want {
				t.Errorf("banner: got %q, want %q first", head, want)
			}
			base := fmt.Sprintf("http://127.0.0.1:%d", p.port())
			for _, put := range []struct {
				name   string
				size   int
				status int
			}{{"small.txt", 10, tc.small}, {"big.txt", 1001, tc.big}} {
				req, err := http.NewRequest("PUT", base+"/"+put.name, strings.NewReader(strings.Repeat("u", put.size)))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != put.status {
					t.Errorf("PUT %s: got %d, want %d", put.name, resp.StatusCode, put.status)
				}
			}
			_, err := os.Stat(filepath.Join(dir, "small.txt"))
			if exists := err == nil; exists != tc.exists {
				t.Errorf("small.txt exists: %t, want %t", exists, tc.exists)
			}
			if _, err := os.Stat(filepath.Join(dir, "big.txt")); err == nil {
				t.Error("big.txt exists: want it refused")
			}
			p.waitLine(regexp.MustCompile(regexp.QuoteMeta(`"PUT /big.txt HTTP/1.1" ` + fmt.Sprint(tc.big))))
			if code := p.stop(syscall.SIGTERM); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
		})
	}
}
