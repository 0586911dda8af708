package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestShareText: `shareit --text` and `… | shareit -` share a text: curl
// gets the text itself, a browser a page with it escaped and a copy
// button; nothing else is served.
func TestShareText(t *testing.T) {
	const text = "wifi: <b>hunter2</b> & more\nline two\n"
	for _, how := range []string{"--text", "stdin"} {
		t.Run(how, func(t *testing.T) {
			var p *proc
			if how == "stdin" {
				cmd := exec.Command(bin, "--headless", "-b", "127.0.0.1", "-p", "0", "-")
				cmd.Stdin = strings.NewReader(text)
				p = startCmd(t, "", cmd)
			} else {
				p = start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--text", text)
			}
			base := baseURL(p.port())
			if got := curlGet(t, base, "/"); got.status != 200 || got.body != text || !strings.Contains(got.headers, "Content-Type: text/plain; charset=utf-8") {
				t.Errorf("curl /: got %d %q\n%s, want 200 and the text as text/plain", got.status, got.body, got.headers)
			}
			page := curlGet(t, base, "/", "-H", "Accept: text/html,*/*")
			for _, want := range []string{"<pre>wifi: &lt;b&gt;hunter2&lt;/b&gt; &amp; more\nline two\n</pre>", `<button class="copy"`, "<svg"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("the page: want %q in\n%s", want, page.body)
				}
			}
			if strings.Contains(page.body, `class="send"`) {
				t.Error("the page offers to send a text with uploads off")
			}
			if got := curlGet(t, base, "/x.txt"); got.status != 404 {
				t.Errorf("GET /x.txt: got %d, want 404", got.status)
			}
			if got := curlGet(t, base, "/?text", "-d", "text=hi"); got.status != 405 {
				t.Errorf("POST /?text with uploads off: got %d, want 405", got.status)
			}
		})
	}
}

// TestTextUsageErrors: a text is shared alone, not empty, at most 64 KiB.
func TestTextUsageErrors(t *testing.T) {
	dir := shareDir(t)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantMsg  string
	}{
		{"--text and a path", []string{"--text", "x", dir}, "", 2, "a text is shared alone"},
		{"- and a path", []string{"-", dir}, "x", 2, "a text is shared alone"},
		{"--text and -", []string{"--text", "x", "-"}, "x", 2, "a text is shared alone"},
		{"empty --text", []string{"--text", " "}, "", 2, "--text is empty"},
		{"--text too long", []string{"--text", strings.Repeat("x", 64<<10+1)}, "", 2, "longer than 64 KiB"},
		{"stdin empty", []string{"-"}, "", 1, "standard input is empty"},
		{"stdin too long", []string{"-"}, strings.Repeat("x", 64<<10+1), 1, "more than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-b", "127.0.0.1", "-p", "0"}, tt.args...)
			r := runWith(t, dir, func(c *exec.Cmd) { c.Stdin = strings.NewReader(tt.stdin) }, args...)
			checkFailure(t, r, tt.wantCode, tt.wantMsg)
		})
	}
}

// TestSendText: with uploads on, a client sends a text with POST /?text
// (a form field or a text/plain body); the log and --receipt record it,
// escaped; past 64 KiB it is refused with 413.
func TestSendText(t *testing.T) {
	receipts := filepath.Join(t.TempDir(), "r.jsonl")
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "-u", "--receipt", receipts, "--text", "hello")
	base := baseURL(p.port())
	if page := curlGet(t, base, "/", "-H", "Accept: text/html"); !strings.Contains(page.body, `<form class="send" method="post" action="/?text">`) {
		t.Errorf("the page has no send box with uploads on:\n%s", page.body)
	}
	if got := curlGet(t, base, "/?text", "--data-urlencode", "text=from the phone\n\x1b[31mred"); got.status != 201 || got.body != "sent\n" {
		t.Errorf("curl -d text=…: got %d %q, want 201 sent", got.status, got.body)
	}
	p.waitStderr(regexp.MustCompile(`text from 127\.0\.0\.1 \(\d+ B\): from the phone\\x0a\\x1b\[31mred`))
	if got := curlGet(t, base, "/?text", "-H", "Content-Type: text/plain", "--data-binary", "raw body"); got.status != 201 {
		t.Errorf("text/plain body: got %d %q, want 201", got.status, got.body)
	}
	if got := curlGet(t, base, "/?text", "-F", "text=multi part"); got.status != 201 {
		t.Errorf("curl -F text=…: got %d %q, want 201", got.status, got.body)
	}
	if got := curlGet(t, base, "/?text", "-H", "Content-Type: text/plain", "--data-binary", strings.Repeat("x", 64<<10+1)); got.status != 413 || !strings.Contains(got.body, "at most 64 KiB") {
		t.Errorf("65 KiB: got %d, want 413 saying the limit", got.status)
	}
	if got := curlGet(t, base, "/?text", "--data-urlencode", "text="+strings.Repeat("é", 40<<10)); got.status != 413 {
		t.Errorf("80 KiB as a form: got %d, want 413", got.status)
	}
	if got := curlGet(t, base, "/?text", "-d", "text=%20"); got.status != 400 {
		t.Errorf("blank: got %d, want 400", got.status)
	}
	if got := curlGet(t, base, "/?text", "-H", "Accept: text/html", "-d", "text=from+a+form"); got.status != 303 || !strings.Contains(got.headers, "Location: /") {
		t.Errorf("the page's form: got %d %s, want 303 back", got.status, got.headers)
	}
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	b, err := os.ReadFile(receipts)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		var rc receipt
		if err := json.Unmarshal([]byte(line), &rc); err != nil {
			t.Fatalf("receipt line %q: %v", line, err)
		}
		if rc.Kind == "text" && rc.Client == "127.0.0.1" && rc.Complete {
			texts = append(texts, rc.Text)
		}
	}
	if want := []string{"from the phone\n\x1b[31mred", "raw body", "multi part", "from a form"}; strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("receipts of texts: got %q, want %q", texts, want)
	}
	if strings.Contains(string(b), "\x1b") {
		t.Error("a raw escape reached the receipt file")
	}
}
