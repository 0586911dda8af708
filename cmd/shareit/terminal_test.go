//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"shareit/transfer/testkit"
)

// Terminal safety: names, paths, user agents and referers holding ESC,
// CSI, OSC, BEL, C1 controls, bidirectional overrides and bytes that are
// not UTF-8 never reach a terminal raw — not the live view's output, not
// headless stdout and stderr, not the --log and --receipt files. Each test
// captures exactly the bytes shareit wrote.
//
// Unix only: the folders these tests share have names with control
// characters in them, which Windows refuses.

// Hostile pieces of names and headers. Each carries PWNED, so that a
// sequence built from request data shows itself wherever it lands.
const (
	oscTitle = "\x1b]0;PWNED\x07"     // sets the window title
	csiRed   = "\x1b[31mPWNED\x1b[0m" // colours what follows
	csiClear = "\x1b[2J\x1b[HPWNED"   // clears the screen
	c1CSI    = "\u009b2JPWNED"        // CSI as one C1 character
	bidi     = "\u202eexe.txt\u202c\u2066x\u2069\u200f\u061c"
	notUTF8  = "\xff\xfe\x9b"
	hostile  = "evil-" + oscTitle + csiRed + "\x07" + csiClear + c1CSI + bidi + notUTF8 + "-end"
)

// hostileUA is a user agent net/http lets through to shareit (it refuses
// raw C0 controls in headers itself): C1, bidi, and bytes not UTF-8.
const hostileUA = "agent-\u009b31mPWNED-\u0085-\u202egnp.exe-\xfe\xff"

// badRune describes r when a terminal would act on it or it is not valid
// text: a C1 control, a bidirectional mark or override, DEL, or a byte
// that is not UTF-8 (RuneError of size 1). C0 controls are judged by the
// caller, who knows which its output may hold.
func badRune(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size <= 1:
		return "a byte that is not UTF-8"
	case r == 0x7f:
		return "DEL"
	case r >= 0x80 && r <= 0x9f:
		return fmt.Sprintf("C1 control %U", r)
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("bidi control %U", r)
	}
	return ""
}

// checkPlainText fails the test when b, text shareit wrote to a pipe or a
// file, holds anything a terminal would act on: any C0 control but the
// line feed, DEL, C1, bidi controls, or bytes that are not UTF-8.
func checkPlainText(t *testing.T, what string, b []byte) {
	t.Helper()
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		bad := badRune(r, size)
		if r < 0x20 && r != '\n' {
			bad = fmt.Sprintf("C0 control %#02x", r)
		}
		if bad != "" {
			t.Errorf("%s: %s at byte %d: %q", what, bad, i, b[max(0, i-40):min(len(b), i+20)])
			return
		}
		i += size
	}
}

// runHeadless starts shareit with stdout and stderr captured byte for
// byte, waits for its banner, and returns its port; stop ends it.
func runHeadless(t *testing.T, args ...string) (port int, stop func() (stdout, stderr []byte)) {
	t.Helper()
	var stdout, stderr lockedBuffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	portRE := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`)
	testkit.Eventually(t, waitFor, "the banner", func() bool {
		out := stdout.String()
		if m := portRE.FindStringSubmatch(out); m != nil && strings.Contains(out, bannerEnd+"\n") {
			port, _ = strconv.Atoi(m[1])
			return true
		}
		select {
		case <-exited:
			t.Fatalf("shareit exited before its banner: %s", stderr.String())
		default:
		}
		return false
	})
	return port, func() ([]byte, []byte) {
		t.Helper()
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(waitFor):
			t.Fatalf("shareit did not exit within %v of SIGTERM", waitFor)
		}
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit code: got %d, want 0", code)
		}
		return []byte(stdout.String()), []byte(stderr.String())
	}
}

// rawRequest sends one request over a new connection, exactly as given,
// and returns the status, having read the body.
func rawRequest(t *testing.T, port int, req string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), waitFor)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(waitFor))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", req[:min(len(req), 80)], err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("reading the body of the answer to %q: %v", req[:min(len(req), 80)], err)
	}
	return resp.StatusCode
}

// hostileShare makes a folder whose own name is hostile, holding a small
// and a big (tracked) file of bigSize bytes with hostile names. It
// returns the folder.
func hostileShare(t *testing.T, bigSize int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "share-"+csiRed+bidi+notUTF8)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "small-"+hostile), []byte("small\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sparseFile(t, filepath.Join(dir, "big-"+hostile), bigSize)
	return dir
}

// TestHeadlessOutputIsSafe: headless, every byte on stdout and stderr and
// in the --log and --receipt files is plain text, whatever the clients
// sent and whatever the names in the folder; and what was escaped can be
// read back.
func TestHeadlessOutputIsSafe(t *testing.T) {
	dir := hostileShare(t, 4<<20) // big enough to be tracked
	logFile := filepath.Join(t.TempDir(), "access.log")
	receipts := filepath.Join(t.TempDir(), "taken.jsonl")
	port, stop := runHeadless(t, "--headless", "-b", "127.0.0.1", "-p", "0", "-u", "--max-downloads", "100",
		"--log", logFile, "--receipt", receipts, dir)

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	// Raw C0 controls in the form's part header would make the form
	// unreadable (400); these survive it.
	w, _ := mw.CreateFormFile("file", "up-"+c1CSI+bidi+"\xff-end")
	io.WriteString(w, "uploaded\n")
	mw.Close()
	headers := "Host: 127.0.0.1\r\nUser-Agent: " + hostileUA + "\r\nReferer: http://x/" + bidi + notUTF8 + "\r\nConnection: close\r\n"
	requests := []struct {
		name, req string
		status    int
	}{
		{"big file", "GET /big-" + url.PathEscape(hostile) + " HTTP/1.1\r\n" + headers + "\r\n", 200},
		{"small file", "GET /small-" + url.PathEscape(hostile) + " HTTP/1.1\r\n" + headers + "\r\n", 200},
		{"raw bytes in the target", "GET /raw-\u009b2J-\u202e-\xff HTTP/1.1\r\n" + headers + "\r\n", 404},
		{"controls percent-encoded", "GET /" + url.PathEscape(hostile) + "?" + url.QueryEscape(hostile) + " HTTP/1.1\r\n" + headers + "\r\n", 404},
		{"upload with a hostile name", fmt.Sprintf("POST / HTTP/1.1\r\n%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
			headers, mw.FormDataContentType(), form.Len(), form.String()), 201},
		{"PUT with a hostile name", "PUT /put-" + url.PathEscape(hostile) + " HTTP/1.1\r\n" + headers + "Content-Length: 2\r\n\r\nhi", 400},
	}
	for _, r := range requests {
		if got := rawRequest(t, port, r.req); got != r.status {
			t.Errorf("%s: got status %d, want %d", r.name, got, r.status)
		}
	}
	stdout, stderr := stop()

	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	taken, err := os.ReadFile(receipts)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []struct {
		what string
		b    []byte
	}{{"stdout", stdout}, {"stderr", stderr}, {"--log file", logged}, {"--receipt file", taken}} {
		checkPlainText(t, out.what, out.b)
	}
	// The log lines are all there, one per request, escaped.
	if n := bytes.Count(logged, []byte("\n")); n != len(requests) {
		t.Errorf("--log file: got %d lines, want %d:\n%s", n, len(requests), logged)
	}
	if !bytes.HasSuffix(stdout, logged) {
		t.Errorf("stdout does not end with the lines of the --log file:\n%s", stdout)
	}
	for _, want := range []string{`/raw-\u{9b}2J-\u{202e}-\xff`, `http://x/\u{202e}exe.txt`, `\xff\xfe\x9b`, `agent-\u{9b}31mPWNED-\u{85}`} {
		if !bytes.Contains(stdout, []byte(want)) {
			t.Errorf("stdout does not show %s escaped:\n%s", want, stdout)
		}
	}
	if want := "Serving " + filepath.Dir(dir) + `/share-\x1b[31mPWNED\x1b[0m`; !bytes.Contains(stdout, []byte(want)) {
		t.Errorf("banner: want it to name the folder as %q:\n%s", want, stdout)
	}
	if !bytes.Contains(stderr, []byte(`complete: 127.0.0.1 took /small-evil-\x1b]0;PWNED\x07`)) {
		t.Errorf("stderr: want the complete downloads noted, escaped:\n%s", stderr)
	}
	// The receipts are JSON that gives back the names and agents exactly
	// (a name that is not UTF-8 is percent-encoded, as documented).
	var paths []string
	var wantUA string // as JSON gives it back: each byte that is not UTF-8 a U+FFFD
	ua, _ := json.Marshal(hostileUA)
	json.Unmarshal(ua, &wantUA)
	sc := bufio.NewScanner(bytes.NewReader(taken))
	for sc.Scan() {
		var rc struct {
			Path      string `json:"path"`
			UserAgent string `json:"user_agent"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rc); err != nil {
			t.Fatalf("receipt line %q: %v", sc.Text(), err)
		}
		paths = append(paths, rc.Path)
		if rc.UserAgent != wantUA {
			t.Errorf("receipt user agent: got %q, want %q", rc.UserAgent, wantUA)
		}
	}
	wantPaths := map[string]bool{}
	for _, name := range []string{"/big-" + hostile, "/small-" + hostile} {
		wantPaths[(&url.URL{Path: name}).EscapedPath()] = true
	}
	wantPaths["/up-2JPWNEDexe.txtx\ufffd-end"] = true // as stored: no controls, valid UTF-8
	for _, p := range paths {
		if !wantPaths[p] {
			t.Errorf("receipt for %q, want one of %v", p, wantPaths)
		}
		delete(wantPaths, p)
	}
	if len(wantPaths) > 0 {
		t.Errorf("no receipt for %v", wantPaths)
	}
}
