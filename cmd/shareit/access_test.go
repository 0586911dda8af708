package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"shareit/fileserver"
	"shareit/transfer/testkit"
)

// The flags of "Access and reach": --auth (and SHAREIT_AUTH), --tls,
// --cert/--key, --rate; run as the real binary.

// runEnv is runOnce with env added to shareit's environment.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runWith(t, dir, func(cmd *exec.Cmd) { cmd.Env = append(os.Environ(), env...) }, args...)
}

// startEnv is start with env added to shareit's environment.
func startEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return startCmd(t, "", cmd)
}

// servedFingerprint asks `openssl s_client` for the certificate served on
// port and returns openssl's fingerprint of it.
func servedFingerprint(t *testing.T, port int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, testkit.Openssl(t), "s_client", "-connect", "127.0.0.1:"+strconv.Itoa(port), "-servername", "localhost")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl s_client: %v\n%s", err, out)
	}
	return testkit.OpensslFingerprint(t, out)
}

func TestAccessUsageErrors(t *testing.T) {
	dir := shareDir(t)
	certs := t.TempDir()
	cert, key := testkit.MakeCert(t, certs, "localhost")
	garbage := filepath.Join(certs, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantMsg  string
	}{
		{"--auth without colon", nil, []string{"--auth", "anaS3cretPass"}, 2, "invalid --auth: want USER:PASS"},
		{"--auth without user", nil, []string{"--auth", ":S3cretPass"}, 2, "invalid --auth"},
		{"--auth empty", nil, []string{"--auth="}, 2, "invalid --auth"},
		{"SHAREIT_AUTH without colon", []string{"SHAREIT_AUTH=anaS3cretPass"}, nil, 2, "invalid SHAREIT_AUTH: want USER:PASS"},
		{"SHAREIT_AUTH without user", []string{"SHAREIT_AUTH=:S3cretPass"}, nil, 2, "invalid SHAREIT_AUTH"},
		{"--cert without --key", nil, []string{"--cert", cert}, 2, "--cert and --key go together"},
		{"--key without --cert", nil, []string{"--key", key}, 2, "--cert and --key go together"},
		{"--rate not a rate", nil, []string{"--rate", "fast"}, 2, `invalid argument "fast" for "--rate"`},
		{"--rate in bits", nil, []string{"--rate", "2Mb/s"}, 2, "unknown unit"},
		{"--rate too low", nil, []string{"--rate", "10B/s"}, 2, "too low"},
		{"--rate empty", nil, []string{"--rate="}, 2, "want a number and a unit"},
		{"--cert missing", nil, []string{"--cert", filepath.Join(certs, "nope.pem"), "--key", key}, 1, "no such file"},
		{"--cert not a certificate", nil, []string{"--cert", garbage, "--key", key}, 1, garbage},
		{"--key of no certificate", nil, []string{"--cert", cert, "--key", cert}, 1, "load certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-b", "127.0.0.1", "-p", "0"}, append(tt.args, dir)...)
			r := runEnv(t, dir, tt.env, args...)
			checkFailure(t, r, tt.wantCode, tt.wantMsg)
			if strings.Contains(r.stderr, "S3cretPass") {
				t.Errorf("stderr: got %q, want the password not shown", r.stderr)
			}
		})
	}
}

func TestParseAccess(t *testing.T) {
	tests := []struct {
		args []string
		want accessOptions
	}{
		{nil, accessOptions{}},
		{[]string{"--auth", "ana:pa:ss"}, accessOptions{auth: "ana:pa:ss"}},
		{[]string{"--auth", "ana:"}, accessOptions{auth: "ana:"}},
		{[]string{"--tls"}, accessOptions{tls: true}},
		{[]string{"--cert", "c.pem", "--key", "k.pem"}, accessOptions{certFile: "c.pem", keyFile: "k.pem"}},
		{[]string{"--rate", "2MB/s"}, accessOptions{rate: 2e6}},
		{[]string{"--rate=1.5MiB/s"}, accessOptions{rate: 1572864}},
		{[]string{"--rate", "500KB"}, accessOptions{rate: 500e3}},
		{[]string{"--rate", "off"}, accessOptions{}},
	}
	t.Setenv(authEnv, "")
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o, err := parseArgs(tt.args)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if o.access != tt.want {
				t.Errorf("got %+v, want %+v", o.access, tt.want)
			}
		})
	}
}

// TestAuthFromEnvironment: SHAREIT_AUTH asks for the password without it
// being in the process list; --auth wins over it.
func TestAuthFromEnvironment(t *testing.T) {
	tests := []struct {
		name        string
		env, args   []string
		user, pass  string // accepted
		wrong       string // refused, as user:pass
		bannerUser  string
		notInCmdArg string
	}{
		{"environment", []string{"SHAREIT_AUTH=ana:pw from env"}, nil, "ana", "pw from env", "ana:nope", "ana", "pw from env"},
		{"flag wins", []string{"SHAREIT_AUTH=ana:pw from env"}, []string{"--auth", "bob:flag pw"}, "bob", "flag pw", "ana:pw from env", "bob", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startEnv(t, tt.env, append([]string{"-b", "127.0.0.1", "-p", "0"}, append(tt.args, shareDir(t))...)...)
			head, _ := p.banner()
			if want := "Password required: HTTP basic auth as user " + tt.bannerUser; !contains(head, want) {
				t.Errorf("banner: got %q, want a line %q", head, want)
			}
			base := "http://127.0.0.1:" + strconv.Itoa(p.port()) + "/a.txt"
			wrongUser, wrongPass, _ := strings.Cut(tt.wrong, ":")
			for _, c := range []struct {
				user, pass string
				want       int
			}{{"", "", 401}, {wrongUser, wrongPass, 401}, {tt.user, tt.pass, 200}} {
				if got := getAuth(t, base, c.user, c.pass); got != c.want {
					t.Errorf("GET as %q: got %d, want %d", c.user, got, c.want)
				}
			}
			if tt.notInCmdArg != "" {
				cmdline, ok := commandLine(t, p.cmd.Process.Pid)
				if !ok {
					t.Log("cannot read another process's command line here: not checked")
				}
				if bytes.Contains(cmdline, []byte(tt.notInCmdArg)) {
					t.Errorf("the password is in the process list: %q", cmdline)
				}
			}
			line := p.waitLine(regexp.MustCompile(`" 200 `))
			if want := "127.0.0.1 - " + tt.user + " ["; !strings.HasPrefix(line, want) {
				t.Errorf("log line: got %q, want it to start with %q", line, want)
			}
			if code := p.stop(syscall.SIGTERM); code != 0 {
				t.Errorf("exit code: got %d, want 0", code)
			}
		})
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func getAuth(t *testing.T, url, user, pass string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	c := &http.Client{Timeout: waitFor, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var httpsLineRE = regexp.MustCompile(`^\s+(https://\S+)\s*(\S*)$`)
var fingerprintLineRE = regexp.MustCompile(`^TLS fingerprint \(SHA-256\): ([0-9A-F]{2}(?::[0-9A-F]{2}){31})$`)

// TestTLSBanner: with --tls, or --cert and --key, the banner's URLs are
// https and a line after them gives the fingerprint openssl sees on the
// port; curl -k fetches over HTTP/2 and the log says so.
func TestTLSBanner(t *testing.T) {
	cert, key := testkit.MakeCert(t, t.TempDir(), "localhost")
	pem, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		wantFP string // "" = whatever the server made
	}{
		{"--tls", []string{"--tls"}, ""},
		{"--cert --key", []string{"--cert", cert, "--key", key}, testkit.OpensslFingerprint(t, pem)},
		{"--tls --cert --key", []string{"--tls", "--cert", cert, "--key", key}, testkit.OpensslFingerprint(t, pem)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, "", append([]string{"-b", "127.0.0.1", "-p", "0"}, append(tt.args, shareDir(t))...)...)
			p.waitLine(regexp.MustCompile("^" + regexp.QuoteMeta(bannerEnd) + "$"))
			var urls []string
			fp, fpAt, lastURL := "", -1, -1
			for i, l := range p.output() {
				if l == bannerEnd {
					break
				}
				if m := httpsLineRE.FindStringSubmatch(l); m != nil {
					urls, lastURL = append(urls, m[1]), i
				}
				if m := fingerprintLineRE.FindStringSubmatch(l); m != nil {
					fp, fpAt = m[1], i
				}
			}
			if len(urls) != 1 || !strings.HasPrefix(urls[0], "https://127.0.0.1:") {
				t.Fatalf("banner URLs: got %q, want one https://127.0.0.1:PORT/", urls)
			}
			if fpAt != lastURL+1 {
				t.Errorf("banner: got the fingerprint on line %d, want it right after the URLs (line %d):\n%s",
					fpAt+1, lastURL+2, strings.Join(p.output(), "\n"))
			}
			port := urlPort(t, strings.Replace(urls[0], "https://", "http://", 1))
			if served := servedFingerprint(t, port); fp != served {
				t.Errorf("banner fingerprint %s, openssl sees %s on the port", fp, served)
			}
			if tt.wantFP != "" && fp != tt.wantFP {
				t.Errorf("banner fingerprint %s, want the certificate file's %s", fp, tt.wantFP)
			}
			out, err := exec.Command("curl", "-k", "-sS", "--http2", urls[0]+"a.txt").CombinedOutput()
			if err != nil || string(out) != "hello, a\n" {
				t.Errorf("curl -k --http2: got %q (%v), want %q", out, err, "hello, a\n")
			}
			line := p.waitLine(regexp.MustCompile(`"GET /a\.txt HTTP/2\.0" 200 `))
			if !strings.HasPrefix(line, "127.0.0.1 - - [") {
				t.Errorf("log line: got %q", line)
			}
			// A client pinned to the fingerprint people read.
			pinned := &http.Client{Timeout: waitFor, Transport: &http.Transport{TLSClientConfig: &tls.Config{
				InsecureSkipVerify: true,
				VerifyConnection: func(cs tls.ConnectionState) error {
					if got := fileserver.Fingerprint(cs.PeerCertificates[0].Raw); got != fp {
						t.Errorf("pinned client: served %s, banner says %s", got, fp)
					}
					return nil
				},
			}}}
			resp, err := pinned.Get(urls[0])
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if code := p.stop(syscall.SIGTERM); code != 0 {
				t.Errorf("exit code: got %d, want 0", code)
			}
		})
	}
}

// TestRateBanner: the cap is in the banner, in the units it was given.
func TestRateBanner(t *testing.T) {
	tests := []struct{ rate, want string }{
		{"2MB/s", "Rate cap: 2 MB/s per client"},
		{"1.5MiB/s", "Rate cap: 1.5 MiB/s per client"},
		{"500KB", "Rate cap: 500 KB/s per client"},
	}
	for _, tt := range tests {
		t.Run(tt.rate, func(t *testing.T) {
			p := start(t, "", "-b", "127.0.0.1", "-p", "0", "--rate", tt.rate, shareDir(t))
			head, urls := p.banner()
			if !contains(head, tt.want) {
				t.Errorf("banner: got %q, want a line %q", head, tt.want)
			}
			if len(urls) != 1 {
				t.Errorf("banner URLs: got %+v, want one", urls)
			}
			if status, body := get(t, p.port(), "/a.txt"); status != 200 || body != "hello, a\n" {
				t.Errorf("GET /a.txt: got %d %q", status, body)
			}
		})
	}
	// Without --rate, no such line.
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", shareDir(t))
	head, _ := p.banner()
	for _, l := range head {
		if strings.HasPrefix(l, "Rate cap") || strings.HasPrefix(l, "TLS") || strings.HasPrefix(l, "Password") {
			t.Errorf("banner without access flags: got line %q", l)
		}
	}
}
