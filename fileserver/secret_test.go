package fileserver_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shareit/fileserver"
	"shareit/transfer"
)

// secretOf is the token in the server's first URL.
func secretOf(t *testing.T, srv *fileserver.Server) string {
	t.Helper()
	u := srv.URLs()[0].URL
	_, tok, ok := strings.Cut(u, "/~s/")
	if !ok || tok == "" {
		t.Fatalf("URL %s carries no token", u)
	}
	return tok
}

// TestSecretLink: with --secret every URL carries a token of at least 128
// bits; without it a request gets a 403 page that shows nothing of the
// share; the link sets an HttpOnly, SameSite=Lax cookie and redirects to
// the short URL; the cookie and the long path both let requests in; a new
// token stops the old link and cookie at once; no log line holds a token.
func TestSecretLink(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello", "secret-plans.txt": "x"})
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Secret: true})
	logs := tracker.Subscribe(transfer.EventLog)
	defer logs.Close()
	tok := secretOf(t, srv)
	if b, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(b)*8 < 128 {
		t.Fatalf("token %q: %d bits (%v), want at least 128", tok, len(b)*8, err)
	}
	for _, u := range srv.URLs() {
		if !strings.HasSuffix(u.URL, "/~s/"+tok) {
			t.Errorf("URL %s: want the token", u.URL)
		}
	}

	for _, path := range []string{"/", "/a.txt", "/?json", "/nothing-here"} {
		r, body := httpDo(t, "GET", base+path, nil)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "secret link") {
			t.Errorf("GET %s without the token: got %d %q, want 403 asking for the link", path, r.StatusCode, body)
		}
		if strings.Contains(string(body), "a.txt") || strings.Contains(string(body), "plans") {
			t.Errorf("GET %s without the token: the page names a file", path)
		}
	}
	r, _ := httpDo(t, "GET", base+"/~s/"+tok, nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("the link: got %d to %q, want 303 to /", r.StatusCode, r.Header.Get("Location"))
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{"shareit_key=" + tok, "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q: want %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("Set-Cookie %q: Secure over plain HTTP would drop it", cookie)
	}
	withCookie := http.Header{"Cookie": {"shareit_key=" + tok}}
	if r, body := httpDo(t, "GET", base+"/", withCookie); r.StatusCode != 200 || !strings.Contains(string(body), "a.txt") {
		t.Errorf("with the cookie: got %d, want the listing", r.StatusCode)
	}
	if r, body := httpDo(t, "GET", base+"/~s/"+tok+"/a.txt", nil); r.StatusCode != 200 || string(body) != "hello" {
		t.Errorf("the long path: got %d %q, want the file", r.StatusCode, body)
	}
	if r, body := httpDo(t, "GET", base+"/~s/wrong"+tok[5:], nil); r.StatusCode != 403 || !strings.Contains(string(body), "not valid") {
		t.Errorf("a wrong token: got %d %q, want 403 saying so", r.StatusCode, body)
	}

	srv.NewSecret()
	if r, _ := httpDo(t, "GET", base+"/", withCookie); r.StatusCode != 403 {
		t.Errorf("the old cookie after a new token: got %d, want 403", r.StatusCode)
	}
	if r, _ := httpDo(t, "GET", base+"/~s/"+tok+"/a.txt", nil); r.StatusCode != 403 {
		t.Errorf("the old link after a new token: got %d, want 403", r.StatusCode)
	}
	fresh := secretOf(t, srv)
	if r, _ := httpDo(t, "GET", base+"/~s/"+fresh+"/a.txt", nil); r.StatusCode != 200 {
		t.Errorf("the new link: got %d, want 200", r.StatusCode)
	}
	// Every request so far has logged a line: none holds a token whole.
	for range 11 {
		ev := waitEvent(t, logs, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		line := ev.Log.String()
		if strings.Contains(line, tok) || strings.Contains(line, fresh) || strings.Contains(line, tok[5:]) {
			t.Errorf("log line holds a token: %s", line)
		}
	}
}

// TestSecretLogRedacted: a token hidden by percent-encoding, in a
// referer, or in a request net/http refuses is shortened in the log too.
func TestSecretLogRedacted(t *testing.T) {
	srv, tracker, base := startServer(t, fileserver.Config{Secret: true})
	logs := tracker.Subscribe(transfer.EventLog)
	defer logs.Close()
	tok := secretOf(t, srv)
	httpDo(t, "GET", base+"/%7Es/"+tok+"/x", nil)
	httpDo(t, "GET", base+"/", http.Header{"Referer": {base + "/~s/" + tok}})
	for range 2 {
		ev := waitEvent(t, logs, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		if line := ev.Log.String(); strings.Contains(line, tok) || !strings.Contains(line, tok[:4]+"…") {
			t.Errorf("log line: got %s, want the token cut to %s…", line, tok[:4])
		}
	}
}

// TestSecretWithAuth: with --auth too, a script's password gets in with no
// token, the link gets in with no password, and a request with neither is
// asked for the password (401).
func TestSecretWithAuth(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Secret: true, Auth: &fileserver.Credentials{User: "ana", Password: "pw"}})
	tok := secretOf(t, srv)
	if got := authDo(t, testClient, "GET", base+"/a.txt", "ana", "pw").StatusCode; got != 200 {
		t.Errorf("the password alone: got %d, want 200", got)
	}
	if r, _ := httpDo(t, "GET", base+"/~s/"+tok+"/a.txt", nil); r.StatusCode != 200 {
		t.Errorf("the link alone: got %d, want 200", r.StatusCode)
	}
	r, _ := httpDo(t, "GET", base+"/a.txt", nil)
	if r.StatusCode != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("neither: got %d, want 401 with a challenge", r.StatusCode)
	}
}

// TestSecretBrowser: Chromium opening the secret link lands on the short
// URL with the listing, keeps the cookie (not readable by scripts), and
// follows the page's links with it.
func TestSecretBrowser(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"Docs/notes.md": "# notes\n", "a.txt": "hello"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Secret: true})
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/~s/"+secretOf(t, srv)))
	if loc := eval[string](t, ctx, `location.href`); loc != base+"/" {
		t.Errorf("after the link: at %s, want %s/", loc, base)
	}
	names := eval[[]string](t, ctx, `[...document.querySelectorAll("td.n a")].map(a => a.textContent)`)
	if !strings.Contains(strings.Join(names, " "), "a.txt") {
		t.Errorf("listing: got %v, want a.txt in it", names)
	}
	if c := eval[string](t, ctx, `document.cookie`); c != "" {
		t.Errorf("document.cookie: got %q, want the cookie hidden from scripts", c)
	}
	clickAndLoad(t, ctx, `td.n a[href*="Docs"]`)
	if got := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(got, "notes.md") {
		t.Errorf("Docs/ through the page's link: got %q", got)
	}
	// A fresh browser without the link is refused.
	ctx2 := tab(t, newBrowser(t))
	run(t, ctx2, chromedp.Navigate(base+"/"))
	if got := eval[string](t, ctx2, `document.body.innerText`); !strings.Contains(got, "403") || strings.Contains(got, "a.txt") {
		t.Errorf("without the link: got %q", got)
	}
}

// TestSecretEveryRoute: with --secret (and uploads on), no route answers
// a request without the token, or with a wrong one, with anything but a
// 403 page that names nothing of the share; with the cookie, each works.
func TestSecretEveryRoute(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello", "sub/b.txt": "world"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Secret: true, Upload: true})
	tok := secretOf(t, srv)
	routes := []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/?json"}, {"GET", "/a.txt"}, {"HEAD", "/a.txt"}, {"GET", "/sub/"},
		{"GET", "/sub"}, {"GET", "/nope.txt"}, {"GET", "/sub/?zip"}, {"GET", "/sub/?tgz"},
		{"GET", "/~ask"}, {"POST", "/"}, {"PUT", "/new.txt"}, {"DELETE", "/a.txt"}, {"OPTIONS", "/"},
		{"GET", "/~s/"}, {"GET", "/~s/" + tok[:10]}, {"GET", "/~s/" + tok + "x/a.txt"},
	}
	for i, cookie := range []string{"", "shareit_key=wrong", "shareit_key=" + tok[:23]} {
		for j, r := range routes {
			c := clientFrom("127.2." + strconv.Itoa(i) + "." + strconv.Itoa(j+1)) // no back-off
			req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader("x"))
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s, cookie %q: got %d, want 403", r.method, r.path, cookie, resp.StatusCode)
			}
			for _, leak := range []string{"a.txt", "b.txt", "sub", "hello", "world"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("%s %s, cookie %q: the page holds %q", r.method, r.path, cookie, leak)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "new.txt")); err == nil {
		t.Error("an upload without the token went through")
	}
}

// TestSecretCodes: with --secret, the QR code on a page is for another
// device, which has no cookie: the link it holds carries the token and
// gets in by itself. So for a file shared alone, a file's "?qr" page in a
// folder, and a shared text.
func TestSecretCodes(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"one.txt": "alone", "dir/a b.txt": "in a folder"})
	for _, tc := range []struct {
		name string
		cfg  fileserver.Config
		page string // what the browser with the cookie opens
		want string // what the code's link serves without a cookie
	}{
		{"file alone", fileserver.Config{Paths: []string{filepath.Join(root, "one.txt")}}, "/", "alone"},
		{"QR action", fileserver.Config{Root: filepath.Join(root, "dir")}, "/a%20b.txt?qr", "in a folder"},
		{"text", fileserver.Config{Text: "wifi: hunter2"}, "/", "wifi: hunter2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Secret = true
			srv, _, base := startServer(t, tc.cfg)
			tok := strings.TrimSuffix(strings.TrimSuffix(secretOf(t, srv), "/one.txt"), "/")
			withCookie := http.Header{"Cookie": {"shareit_key=" + tok}, "Accept": {"text/html"}}
			r, page := httpDo(t, "GET", base+tc.page, withCookie)
			_, link, ok := strings.Cut(string(page), `<figcaption><a href="`)
			link, _, _ = strings.Cut(link, `"`)
			if r.StatusCode != 200 || !ok {
				t.Fatalf("GET %s with the cookie: got %d, want a page with a code:\n%s", tc.page, r.StatusCode, page)
			}
			if !strings.HasPrefix(link, base+"/~s/"+tok+"/") {
				t.Errorf("the code holds %s: want the link with the token", link)
			}
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar} // an empty jar: another device
			resp, err := c.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), tc.want) {
				t.Errorf("GET the code's link %s without a cookie: got %d %q, want %q", link, resp.StatusCode, body, tc.want)
			}
		})
	}
}

// TestSecretTextCurl: curl on the URL of a shared text (with its token,
// no cookie jar) gets the text itself, as without --secret; a browser
// still goes on to the short URL with the cookie.
func TestSecretTextCurl(t *testing.T) {
	srv, _, base := startServer(t, fileserver.Config{Text: "wifi: hunter2", Secret: true})
	u := srv.URLs()[0].URL
	u = base + u[strings.Index(u, "/~s/"):]
	if r, body := httpDo(t, "GET", u, http.Header{"Accept": {"*/*"}}); r.StatusCode != 200 || string(body) != "wifi: hunter2" {
		t.Errorf("curl %s: got %d %q, want the text", u, r.StatusCode, body)
	}
	if r, _ := httpDo(t, "GET", u, http.Header{"Accept": {"text/html"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a browser: got %d, want 303 to the short URL", r.StatusCode)
	}
}

// TestSecretUploadToLink: with --secret and uploads on, curl -F to the
// URL shown (/~s/TOKEN/, no cookie jar) uploads, where the redirect that
// sets a browser's cookie used to drop the body; so in a drop box.
func TestSecretUploadToLink(t *testing.T) {
	for _, cfg := range []fileserver.Config{{Upload: true}, {Drop: true}} {
		cfg.Root, cfg.Secret = t.TempDir(), true
		srv, _, base := startServer(t, cfg)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "up.txt")
		io.WriteString(fw, "sent")
		mw.Close()
		r, body := send(t, "POST", base+"/~s/"+secretOf(t, srv)+"/", &form, http.Header{"Content-Type": {mw.FormDataContentType()}})
		if b, err := os.ReadFile(filepath.Join(cfg.Root, "up.txt")); r.StatusCode != http.StatusCreated || string(b) != "sent" {
			t.Errorf("drop %v: POST to the link: got %d %q, and on disk %q (%v)", cfg.Drop, r.StatusCode, body, b, err)
		}
	}
}
