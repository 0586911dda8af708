package fileserver_test

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (127.0.0.2, 127.0.0.3, ...): to the server, another machine.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableKeepAlives: true, DialContext: d.DialContext},
	}
}

// authDo does method url with basic auth user:pass (none when user and pass
// are both "") from client, and returns the response with its body read.
func authDo(t *testing.T, client *http.Client, method, url, user, pass string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	return resp
}

const wantChallenge = `Basic realm="shareit", charset="UTF-8"`

// TestAuthEveryRoute: without the right credentials no route answers
// anything but 401 — not even whether a path exists — and with them each
// answers as usual.
func TestAuthEveryRoute(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello", "sub/b.txt": "world"})
	_, _, base := startServer(t, fileserver.Config{Root: root, Auth: &fileserver.Credentials{User: "ana", Password: "s3cret:with colon"}})
	routes := []struct {
		method, path string
		want         int // with the right credentials
	}{
		{"GET", "/", 200},
		{"GET", "/?json", 200},
		{"GET", "/a.txt", 200},
		{"HEAD", "/a.txt", 200},
		{"GET", "/sub/", 200},
		{"GET", "/sub", 301},
		{"GET", "/nope.txt", 404},
		{"GET", "/../../etc/passwd", 0}, // whatever it is, after the password
		{"GET", "/sub/?zip", 0},
		{"GET", "/sub/?tar.gz", 0},
		{"POST", "/", 0},
		{"PUT", "/new.txt", 0},
		{"DELETE", "/a.txt", 0},
	}
	creds := []struct {
		name, user, pass string
	}{
		{"none", "", ""},
		{"wrong password", "ana", "s3cret"},
		{"wrong user", "bob", "s3cret:with colon"},
		{"empty user", "", "s3cret:with colon"},
		{"longer password", "ana", "s3cret:with colon!"},
		{"user case", "Ana", "s3cret:with colon"},
	}
	// Each wrong attempt comes from its own address, so none is refused
	// for trying too often.
	for i, c := range creds {
		for j, r := range routes {
			client := clientFrom("127.1." + strconv.Itoa(i) + "." + strconv.Itoa(j+1))
			resp := authDo(t, client, r.method, base+r.path, c.user, c.pass)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s, %s: got %d, want 401", r.method, r.path, c.name, resp.StatusCode)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != wantChallenge {
				t.Errorf("%s %s, %s: WWW-Authenticate: got %q, want %q", r.method, r.path, c.name, got, wantChallenge)
			}
		}
	}
	client := clientFrom("127.0.2.1")
	for _, r := range routes {
		resp := authDo(t, client, r.method, base+r.path, "ana", "s3cret:with colon")
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusTooManyRequests:
			t.Errorf("%s %s with the password: got %d", r.method, r.path, resp.StatusCode)
		case r.want != 0 && resp.StatusCode != r.want:
			t.Errorf("%s %s with the password: got %d, want %d", r.method, r.path, resp.StatusCode, r.want)
		}
	}
}

// TestAuthLog: a refused request is logged with 401 and no user; an
// accepted one with its user, escaped.
func TestAuthLog(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	user := "ana\x1b[2J\u202e"
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Auth: &fileserver.Credentials{User: user, Password: "pw"}})
	sub := tracker.Subscribe()
	defer sub.Close()
	tests := []struct {
		user, pass string
		status     int
		wantUser   string // the LogLine's
		wantField  string // in the log text, after "127.0.0.1 - "
	}{
		{"", "", 401, "", "-"},
		{"ana", "nope", 401, "", "-"},
		{user, "pw", 200, user, `ana\x1b[2J\u{202e}`},
	}
	for _, tt := range tests {
		resp := authDo(t, testClient, "GET", base+"/a.txt", tt.user, tt.pass)
		if resp.StatusCode != tt.status {
			t.Fatalf("GET as %q: got %d, want %d", tt.user, resp.StatusCode, tt.status)
		}
		ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		if ev.Log.Status != tt.status || ev.Log.User != tt.wantUser {
			t.Errorf("log line: got status %d user %q, want %d %q", ev.Log.Status, ev.Log.User, tt.status, tt.wantUser)
		}
		if line, want := ev.Log.String(), "127.0.0.1 - "+tt.wantField+" ["; !strings.HasPrefix(line, want) {
			t.Errorf("log text: got %q, want it to start with %q", line, want)
		}
	}
}

// TestAuthGuessing: an address that fails ten times within a minute gets
// 429 with Retry-After, even with the right password; other addresses do
// not; a success before the tenth failure starts the count again.
func TestAuthGuessing(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Auth: &fileserver.Credentials{User: "ana", Password: "pw"}})
	sub := tracker.Subscribe()
	defer sub.Close()
	url := base + "/a.txt"

	// Nine failures, a success, nine more: never refused.
	patient := clientFrom("127.0.3.1")
	for i := range 19 {
		pass, want := "guess"+strconv.Itoa(i), http.StatusUnauthorized
		if i == 9 {
			pass, want = "pw", http.StatusOK
		}
		if got := authDo(t, patient, "GET", url, "ana", pass).StatusCode; got != want {
			t.Fatalf("attempt %d: got %d, want %d", i+1, got, want)
		}
	}
	// Requests without credentials are a browser asking: not counted.
	for i := range 15 {
		if got := authDo(t, patient, "GET", url, "", "").StatusCode; got != http.StatusUnauthorized {
			t.Fatalf("no credentials, request %d: got %d, want 401", i+1, got)
		}
	}

	guesser := clientFrom("127.0.3.2")
	for i := range 10 {
		if got := authDo(t, guesser, "GET", url, "ana", "guess"+strconv.Itoa(i)).StatusCode; got != http.StatusUnauthorized {
			t.Fatalf("guess %d: got %d, want 401", i+1, got)
		}
	}
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
		return ev.Kind == transfer.EventNotice && strings.Contains(ev.Text, "127.0.3.2") && strings.Contains(ev.Text, "refused")
	})
	for _, tt := range []struct{ name, user, pass string }{
		{"the right password", "ana", "pw"},
		{"another guess", "ana", "guess"},
		{"no credentials", "", ""},
	} {
		resp := authDo(t, guesser, "GET", url, tt.user, tt.pass)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("after ten guesses, %s: got %d, want 429", tt.name, resp.StatusCode)
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("after ten guesses, %s: Retry-After %q, want 1 to 60 seconds", tt.name, resp.Header.Get("Retry-After"))
		}
	}
	// Everyone else is served.
	for _, ip := range []string{"127.0.0.1", "127.0.3.1", "127.0.3.3"} {
		if got := authDo(t, clientFrom(ip), "GET", url, "ana", "pw").StatusCode; got != http.StatusOK {
			t.Errorf("from %s with the password: got %d, want 200", ip, got)
		}
	}
}

// TestAuthCurl: curl with and without -u.
func TestAuthCurl(t *testing.T) {
	curl := curlPath(t)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	_, _, base := startServer(t, fileserver.Config{Root: root, Auth: &fileserver.Credentials{User: "ana", Password: "pa ss"}})
	tests := []struct {
		args     []string
		wantCode string
		wantBody string
	}{
		{nil, "401", ""},
		{[]string{"-u", "ana:wrong"}, "401", ""},
		{[]string{"-u", "ana:pa ss"}, "200", "hello"},
		{[]string{"--http1.0", "-u", "ana:pa ss"}, "200", "hello"},
	}
	for _, tt := range tests {
		body := filepath.Join(t.TempDir(), "body")
		args := append([]string{"-s", "-w", "%{http_code}", "-o", body}, tt.args...)
		code, err := execOutput(curl, append(args, base+"/a.txt")...)
		if err != nil {
			t.Fatalf("curl %q: %v", tt.args, err)
		}
		if code != tt.wantCode {
			t.Errorf("curl %q: got status %s, want %s", tt.args, code, tt.wantCode)
		}
		if got, _ := os.ReadFile(body); tt.wantBody != "" && string(got) != tt.wantBody {
			t.Errorf("curl %q: got body %q, want %q", tt.args, got, tt.wantBody)
		}
	}
}
