package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// logRE is one request's log line for GET /a.txt from this machine.
var logRE = regexp.MustCompile(`^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /a\.txt HTTP/1\.1" 200 \d+ "[^"]*" "[^"]*" \d+\.\d{3}s$`)

// anyLogRE is any log line.
var anyLogRE = regexp.MustCompile(`^\S+ - \S+ \[[^\]]+\] "(?:[^"\\]|\\.)*" \d{3} (?:\d+|-) "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*" \d+\.\d{3}s$`)

// get fetches path from 127.0.0.1:port and returns the status and body.
func get(t *testing.T, port int, path string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: waitFor, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://127.0.0.1:" + strconv.Itoa(port) + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

func TestHeadless(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		loopOnly bool // bound to 127.0.0.1: one URL
	}{
		{"automatic, loopback", []string{"-b", "127.0.0.1", "-p", "0"}, true},
		{"--headless, loopback", []string{"--headless", "-b", "localhost", "-p", "0"}, true},
		{"automatic, every interface", []string{"-p", "0"}, false},
		{"--headless, every interface", []string{"--headless", "--port=0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := shareDir(t)
			p := start(t, t.TempDir(), append(tt.args, dir)...)
			head, urls := p.banner()
			if len(head) == 0 || head[0] != "Serving "+dir+" (read-only) at:" {
				t.Errorf("first line: got %q, want %q", head, "Serving "+dir+" (read-only) at:")
			}
			if len(urls) != len(head)-1 {
				t.Errorf("banner: got %q, want the URLs right after the first line", head)
			}
			if len(urls) == 0 {
				t.Fatal("no URL in the banner")
			}
			port := p.port()
			if port == 0 {
				t.Fatalf("port: got 0, want the port -p 0 picked")
			}
			wantLocal := bannerURL{"http://127.0.0.1:" + strconv.Itoa(port) + "/", "localhost"}
			if tt.loopOnly && (len(urls) != 1 || urls[0] != wantLocal) {
				t.Errorf("URLs: got %+v, want only %+v", urls, wantLocal)
			}
			if !tt.loopOnly {
				if last := urls[len(urls)-1]; last != wantLocal {
					t.Errorf("last URL: got %+v, want %+v", last, wantLocal)
				}
				for _, u := range urls[:len(urls)-1] {
					if u.label == "" || u.label == "localhost" || urlPort(t, u.url) != port {
						t.Errorf("LAN URL %+v: want an interface name and port %d", u, port)
					}
				}
			}

			if status, body := get(t, port, "/a.txt"); status != 200 || body != "hello, a\n" {
				t.Errorf("GET /a.txt: got %d %q, want 200 %q", status, body, "hello, a\n")
			}
			line := p.waitLine(logRE)
			if !strings.Contains(line, `200 9 "-" "Go-http-client/1.1"`) {
				t.Errorf("log line: got %q, want status, size and user agent", line)
			}
			if code := p.stop(syscall.SIGTERM); code != 0 {
				t.Errorf("exit code after SIGTERM: got %d, want 0", code)
			}
			// After the banner, nothing but log lines.
			out := p.output()
			for _, l := range out[len(head)+1:] {
				if !anyLogRE.MatchString(l) {
					t.Errorf("stdout line after the banner is not a log line: %q", l)
				}
			}
			if s := withoutSummary(p.stderr.String()); s != "" {
				t.Errorf("stderr: got %q, want nothing", s)
			}
		})
	}
}

// TestServedFolder: the folder can be given as DIR, with -d, both, or not
// at all (the current folder).
func TestServedFolder(t *testing.T) {
	dir := shareDir(t)
	tests := []struct {
		name string
		cwd  string
		args []string
	}{
		{"DIR", "", []string{dir}},
		{"-d", "", []string{"-d", dir}},
		{"--directory and the same DIR", "", []string{"--directory", dir, dir}},
		{"current folder", dir, nil},
		{"relative DIR", filepath.Dir(dir), []string{filepath.Base(dir)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, tt.cwd, append([]string{"-b", "127.0.0.1", "-p", "0"}, tt.args...)...)
			head, _ := p.banner()
			if len(head) == 0 || head[0] != "Serving "+dir+" (read-only) at:" {
				t.Errorf("banner: got %q, want it to name %s", head, dir)
			}
			if status, _ := get(t, p.port(), "/a.txt"); status != 200 {
				t.Errorf("GET /a.txt: got %d, want 200", status)
			}
		})
	}
}

// TestHostileRequestLog sends request lines and headers holding terminal
// control sequences, over raw TCP; nothing of them may reach stdout raw.
func TestHostileRequestLog(t *testing.T) {
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", shareDir(t))
	port := p.port()
	requests := []struct {
		name       string
		target, ua string
		status     int
	}{
		// net/http refuses raw C0 controls before any handler runs (and
		// so before any log line).
		{"raw ESC and BEL", "/x\x1b[31m\x07y", "evil\x1b]0;pwned\x07", 400},
		{"raw ESC in the user agent", "/ua", "a\x1b[2Jb", 400},
		// It lets these through to shareit, which logs them.
		{"8-bit CSI, C1, bidi, invalid UTF-8", "/c1\x9b31m\u009b2J\u202etxt.exe\xff", "ua\u202e\u2066\x9b\u0085\xfe", 404},
		{"percent-encoded controls", "/pct%1b%5b31m%07%00%9b%e2%80%ae", "tab\there", 400}, // %00: refused
	}
	for _, r := range requests {
		t.Run(r.name, func(t *testing.T) {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), waitFor)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(waitFor))
			fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: %s\r\nConnection: close\r\n\r\n", r.target, r.ua)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("reading the response: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != r.status {
				t.Errorf("status: got %d, want %d", resp.StatusCode, r.status)
			}
		})
	}
	// Log lines are written in order: once this one is out, all are.
	get(t, port, "/a.txt")
	p.waitLine(logRE)
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}

	out := strings.Join(p.output(), "\n")
	for i, r := range out {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == utf8.RuneError ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("raw %U at byte %d of stdout", r, i)
		}
	}
	wantLines := []*regexp.Regexp{
		regexp.MustCompile(`^127\.0\.0\.1 - - \[[^\]]+\] "GET /c1\\x9b31m\\u\{9b\}2J\\u\{202e\}txt\.exe\\xff HTTP/1\.1" 404 \d+ "-" "ua\\u\{202e\}\\u\{2066\}\\x9b\\u\{85\}\\xfe" \d+\.\d{3}s$`),
		regexp.MustCompile(`^127\.0\.0\.1 - - \[[^\]]+\] "GET /pct%1b%5b31m%07%00%9b%e2%80%ae HTTP/1\.1" 400 \d+ "-" "tab\\x09here" \d+\.\d{3}s$`),
	}
	for _, re := range wantLines {
		if !slicesContainMatch(p.output(), re) {
			t.Errorf("no log line matching %s", re)
		}
	}
	if s := p.stderr.String(); strings.ContainsAny(s, "\x1b\x07") {
		t.Errorf("stderr holds raw control bytes: %q", s)
	}
}

func slicesContainMatch(lines []string, re *regexp.Regexp) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// TestBusyPort: a port in use is skipped for the next free one, and said.
func TestBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	p := start(t, "", "-b", "127.0.0.1", "-p", strconv.Itoa(busy), shareDir(t))
	port := p.port()
	if port <= busy || port > busy+100 {
		t.Errorf("port: got %d, want one of the next after the busy %d", port, busy)
	}
	head, _ := p.banner()
	note := fmt.Sprintf("port %d is busy; using %d", busy, port)
	if !strings.Contains(strings.Join(head, "\n"), note) {
		t.Errorf("banner: got %q, want it to say %q", head, note)
	}
	if status, _ := get(t, port, "/a.txt"); status != 200 {
		t.Errorf("GET /a.txt on port %d: got %d, want 200", port, status)
	}
}

// TestLogFile: --log appends the same lines as stdout, after what the file
// held.
func TestLogFile(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "access.log")
	const before = "an older line\n"
	if err := os.WriteFile(logFile, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", "--log", logFile, shareDir(t))
	port := p.port()
	get(t, port, "/a.txt")
	get(t, port, "/missing")
	p.waitLine(regexp.MustCompile(`"GET /missing HTTP/1\.1" 404 `))
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	var logged []string
	for _, l := range p.output() {
		if anyLogRE.MatchString(l) {
			logged = append(logged, l)
		}
	}
	if len(logged) != 2 {
		t.Fatalf("stdout: got %d log lines, want 2", len(logged))
	}
	got, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := before + strings.Join(logged, "\n") + "\n"; string(got) != want {
		t.Errorf("log file:\ngot  %q\nwant %q", got, want)
	}
}

// TestHiddenAndSymlinks: --hidden and --follow-symlinks reach the server.
func TestHiddenAndSymlinks(t *testing.T) {
	dir := shareDir(t)
	outside := filepath.Join(t.TempDir(), "outside.txt")
	for name, content := range map[string]string{filepath.Join(dir, ".secret"): "dot\n", outside: "out\n"} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"dotfile hidden by default", nil, "/.secret", 404, ""},
		{"dotfile with --hidden", []string{"--hidden"}, "/.secret", 200, "dot\n"},
		{"outside link refused by default", nil, "/link.txt", 403, ""},
		{"outside link with --follow-symlinks", []string{"--follow-symlinks"}, "/link.txt", 200, "out\n"},
		{"--follow-symlinks does not show dotfiles", []string{"--follow-symlinks"}, "/.secret", 404, ""},
		{"--hidden does not follow links", []string{"--hidden"}, "/link.txt", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, "", append([]string{"-b", "127.0.0.1", "-p", "0"}, append(tt.args, dir)...)...)
			status, body := get(t, p.port(), tt.path)
			if status != tt.wantStatus || (tt.wantBody != "" && body != tt.wantBody) {
				t.Errorf("GET %s: got %d %q, want %d %q", tt.path, status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}
