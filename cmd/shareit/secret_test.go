package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shareit/transfer/testkit"
)

// curlRun runs curl with args and returns its output; -s -S are added.
func curlRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("curl", append([]string{"-sS"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

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
	if out := curlRun(t, "-k", "-w", "%{http_code}", base+"/"); !strings.HasSuffix(out, "401") || strings.Contains(out, "a.txt") {
		t.Errorf("no token, no password: got %q, want 401 and no listing", out)
	}
	jar := filepath.Join(t.TempDir(), "jar")
	out := curlRun(t, "-k", "-L", "-c", jar, "-b", jar, "-D", "-", urls[0].url)
	if !strings.Contains(out, "a.txt") {
		t.Errorf("with the link: got %q, want the listing", out)
	}
	if !regexp.MustCompile(`(?i)set-cookie: shareit_key=[^\r\n]*; HttpOnly; Secure; SameSite=Lax`).MatchString(out) {
		t.Errorf("with the link: no Secure, HttpOnly, SameSite=Lax cookie in %q", out)
	}
	if out := curlRun(t, "-k", "-b", jar, base+"/a.txt"); out != "hello, a\n" {
		t.Errorf("with the cookie: got %q", out)
	}
	if out := curlRun(t, "-k", "-u", "ana:pw", "-w", "%{http_code}", base+"/a.txt"); !strings.HasSuffix(out, "200") {
		t.Errorf("with the password only: got %q, want 200", out)
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
	var last string
	for i := range 7 {
		last = curlRun(t, "-D", "-", "-o", "/dev/null", "-u", "ana:guess"+strconv.Itoa(i), base+"/a.txt")
	}
	if !regexp.MustCompile(`(?i)\r\nretry-after: \d+\r\n`).MatchString(last) || !strings.Contains(last, " 401") {
		t.Errorf("the 7th wrong password: got %q, want 401 with Retry-After", last)
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
	if out := curlRun(t, "-T", src, "-w", " %{http_code}", base+"/"); !strings.HasSuffix(out, " 201") {
		t.Errorf("curl -T: got %q, want 201", out)
	}
	if out := curlRun(t, "-F", "file=@"+src+";filename=other.txt", "-w", " %{http_code}", base+"/"); !strings.HasSuffix(out, " 201") {
		t.Errorf("curl -F: got %q, want 201", out)
	}
	for _, name := range []string{"log.txt", "other.txt"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); string(b) != "lines\n" {
			t.Errorf("%s: got %q (%v)", name, b, err)
		}
		testkit.Eventually(t, waitFor, "the arrival of "+name+" on stderr", func() bool {
			return strings.Contains(p.stderr.String(), "received "+name+" (6 B) from 127.0.0.1")
		})
	}
	if out := curlRun(t, "-w", " %{http_code}", base+"/a.txt"); !strings.HasSuffix(out, " 403") || strings.Contains(out, "hello") {
		t.Errorf("curl GET a file: got %q, want 403", out)
	}
	if out := curlRun(t, base+"/"); !strings.Contains(out, "Send files") || strings.Contains(out, "a.txt") {
		t.Errorf("curl GET /: got %q, want the drop page without the files", out)
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
	if out := curlRun(t, base+"/"); !strings.Contains(out, "<b>"+filepath.Base(inbox)+"</b>") {
		t.Errorf("the drop page does not name %s:\n%s", filepath.Base(inbox), out)
	}
	src := filepath.Join(t.TempDir(), "log.txt")
	if err := os.WriteFile(src, []byte("lines\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := curlRun(t, "-T", src, "-w", " %{http_code}", base+"/"); !strings.HasSuffix(out, " 201") {
		t.Errorf("curl -T: got %q, want 201", out)
	}
	if b, err := os.ReadFile(filepath.Join(inbox, "log.txt")); string(b) != "lines\n" {
		t.Errorf("the upload in %s: got %q (%v)", inbox, b, err)
	}
}
