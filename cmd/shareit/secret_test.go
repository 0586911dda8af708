package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shareit/transfer/testkit"
)

// TestSecretCurl: the real binary with --secret (and --tls): the banner's
// URLs carry the token; curl without it gets 403 and no listing; with it
// and a cookie jar, the cookie (Secure under TLS) takes it to the listing;
// the request log never holds the token; --auth still lets a script in.
func TestSecretCurl(t *testing.T) {
	needTools(t, "curl")
	dir := shareDir(t)
	p := start(t, dir, "--headless", "-b", "127.0.0.1", "-p", "0", "--secret", "--tls", "--auth", "ana:pw")
	head, urls := p.banner()
	if !strings.Contains(strings.Join(head, "\n"), "Secret link") {
		t.Errorf("banner %q: does not say the link is secret", head)
	}
	m := regexp.MustCompile(`^(https://127\.0\.0\.1:\d+)/~s/([A-Za-z0-9_-]{22,})$`).FindStringSubmatch(urls[0].url)
	if m == nil {
		t.Fatalf("banner URL %s: want /~s/TOKEN", urls[0].url)
	}
	base, tok := m[1], m[2]
	if r := curlGet(t, base, "/", "-k"); r.status != 401 || strings.Contains(r.body, "a.txt") {
		t.Errorf("no token, no password: got %d %q, want 401 and no listing", r.status, r.body)
	}
	jar := filepath.Join(t.TempDir(), "jar")
	// -D keeps the headers of every response -L followed: the cookie is
	// set on the redirect.
	r := curlGet(t, urls[0].url, "", "-k", "-L", "-c", jar, "-b", jar)
	if !strings.Contains(r.body, "a.txt") {
		t.Errorf("with the link: got %d %q, want the listing", r.status, r.body)
	}
	if !regexp.MustCompile(`(?i)set-cookie: shareit_key=[^\r\n]*; HttpOnly; Secure; SameSite=Lax`).MatchString(r.headers) {
		t.Errorf("with the link: no Secure, HttpOnly, SameSite=Lax cookie in %q", r.headers)
	}
	if r := curlGet(t, base, "/a.txt", "-k", "-b", jar); r.body != "hello, a\n" {
		t.Errorf("with the cookie: got %d %q", r.status, r.body)
	}
	if r := curlGet(t, base, "/a.txt", "-k", "-u", "ana:pw"); r.status != 200 {
		t.Errorf("with the password only: got %d, want 200", r.status)
	}
	p.waitLine(regexp.MustCompile(`"GET /a\.txt HTTP/2\.0" 200 .*`))
	p.waitLine(regexp.MustCompile(`"GET /~s/` + tok[:4] + `… HTTP/2\.0" 303`))
	for _, l := range p.output() {
		if strings.Contains(l, tok[4:]) && !strings.HasPrefix(l, "  https://") {
			t.Errorf("a line past the banner holds the token: %s", l)
		}
	}
}

// TestBackoffCurl: the real binary answers curl's wrong passwords late
// after a few, says so with Retry-After, and logs the back-off on stderr.
func TestBackoffCurl(t *testing.T) {
	needTools(t, "curl")
	p := start(t, shareDir(t), "--headless", "-b", "127.0.0.1", "-p", "0", "--auth", "ana:pw")
	base := "http://127.0.0.1:" + strconv.Itoa(p.port())
	var last reply
	for i := range 7 {
		last = curlGet(t, base, "/a.txt", "-u", "ana:guess"+strconv.Itoa(i))
	}
	if !regexp.MustCompile(`(?i)\r\nretry-after: \d+\r\n`).MatchString(last.headers) || last.status != 401 {
		t.Errorf("the 7th wrong password: got %d %q, want 401 with Retry-After", last.status, last.headers)
	}
	testkit.Eventually(t, waitFor, "the back-off on stderr", func() bool {
		return regexp.MustCompile(`\[\d\d/\w+/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] 127\.0\.0\.1: 6 wrong passwords or tokens; its answers now come late \(back-off\)`).MatchString(p.stderr.String())
	})
}

// TestAskHeadless: --ask without the live view refuses to start, and says
// why.
func TestAskHeadless(t *testing.T) {
	r := runOnce(t, shareDir(t), "--headless", "--ask", "-p", "0")
	if r.code != 2 || !strings.Contains(r.stderr, "--ask needs the live view") {
		t.Errorf("got exit %d, stderr %q; want 2 and a message that --ask needs the live view", r.code, r.stderr)
	}
}

// TestDropCurl: the real binary with --drop takes curl -T and curl -F,
// says each arrival on stderr, and refuses curl's downloads and listing.
func TestDropCurl(t *testing.T) {
	needTools(t, "curl")
	dir := shareDir(t)
	p := start(t, dir, "--headless", "-b", "127.0.0.1", "-p", "0", "--drop")
	head, _ := p.banner()
	if !strings.Contains(strings.Join(head, "\n"), "Drop box: visitors can send files into") {
		t.Errorf("banner %q: does not say it is a drop box", head)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(p.port())
	src := filepath.Join(t.TempDir(), "log.txt")
	if err := os.WriteFile(src, []byte("lines\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := curlGet(t, base, "/", "-T", src); r.status != 201 {
		t.Errorf("curl -T: got %d %q, want 201", r.status, r.body)
	}
	if r := curlGet(t, base, "/", "-F", "file=@"+src+";filename=other.txt"); r.status != 201 {
		t.Errorf("curl -F: got %d %q, want 201", r.status, r.body)
	}
	for _, name := range []string{"log.txt", "other.txt"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); string(b) != "lines\n" {
			t.Errorf("%s: got %q (%v)", name, b, err)
		}
		testkit.Eventually(t, waitFor, "the arrival of "+name+" on stderr", func() bool {
			return strings.Contains(p.stderr.String(), "received "+name+" (6 B) from 127.0.0.1")
		})
	}
	if r := curlGet(t, base, "/a.txt"); r.status != 403 || strings.Contains(r.body, "hello") {
		t.Errorf("curl GET a file: got %d %q, want 403", r.status, r.body)
	}
	if r := curlGet(t, base, "/"); !strings.Contains(r.body, "Send files") || strings.Contains(r.body, "a.txt") {
		t.Errorf("curl GET /: got %q, want the drop page without the files", r.body)
	}
}

// TestDropSeveral: a drop box over several paths takes --upload-to
// without -u, says on the banner and the page that files go there, and
// they do.
func TestDropSeveral(t *testing.T) {
	needTools(t, "curl")
	dir, inbox := shareDir(t), t.TempDir()
	p := start(t, dir, "--headless", "-b", "127.0.0.1", "-p", "0", "--drop", "--upload-to", inbox, dir, filepath.Join(dir, "a.txt"))
	head, _ := p.banner()
	if !strings.Contains(strings.Join(head, "\n"), "send files into "+inbox+",") {
		t.Errorf("banner %q: does not name %s", head, inbox)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(p.port())
	if r := curlGet(t, base, "/"); !strings.Contains(r.body, "<b>"+filepath.Base(inbox)+"</b>") {
		t.Errorf("the drop page does not name %s:\n%s", filepath.Base(inbox), r.body)
	}
	src := filepath.Join(t.TempDir(), "log.txt")
	if err := os.WriteFile(src, []byte("lines\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := curlGet(t, base, "/", "-T", src); r.status != 201 {
		t.Errorf("curl -T: got %d %q, want 201", r.status, r.body)
	}
	if b, err := os.ReadFile(filepath.Join(inbox, "log.txt")); string(b) != "lines\n" {
		t.Errorf("the upload in %s: got %q (%v)", inbox, b, err)
	}
}
