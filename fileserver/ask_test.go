package fileserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// getFrom GETs url from client and returns the status and the body.
func getFrom(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAsk: under --ask a new device's first request gets the waiting page
// at once (503, Retry-After) naming nothing of the share, and it is
// announced with what its User-Agent says; /~ask says "waiting" until the
// device is allowed; a denied one gets a 403 page saying so; waits beyond
// maxWaiting are refused, and the waiting list stays bounded.
func TestAsk(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"holiday.jpg": "x"})
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Ask: true})
	sub := tracker.Subscribe(transfer.EventNotice)
	defer sub.Close()

	phone := clientFrom("127.0.5.2")
	req, _ := http.NewRequest("GET", base+"/", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
	resp, err := phone.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "Waiting for approval") {
		t.Fatalf("first request: got %d %q, want 503 with the waiting page", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "holiday") {
		t.Error("the waiting page names a file")
	}
	ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Action == transfer.ActionAsk })
	if ev.Client != "127.0.5.2" || !strings.Contains(ev.Text, "(iPhone, Safari) asks to come in") {
		t.Errorf("ask notice: %q from %s", ev.Text, ev.Client)
	}
	asks := srv.Asks()
	if len(asks) != 1 || asks[0].Client != "127.0.5.2" || asks[0].Device != "iPhone, Safari" {
		t.Fatalf("Asks: got %+v", asks)
	}
	if st, body := getFrom(t, phone, base+"/~ask"); st != 200 || !strings.Contains(body, `"waiting"`) {
		t.Errorf("poll while waiting: got %d %q", st, body)
	}
	srv.Allow("127.0.5.2")
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Action == transfer.ActionAllow })
	if st, body := getFrom(t, phone, base+"/~ask"); st != 200 || !strings.Contains(body, `"allowed"`) {
		t.Errorf("poll once allowed: got %d %q", st, body)
	}
	if st, body := getFrom(t, phone, base+"/"); st != 200 || !strings.Contains(body, "holiday.jpg") {
		t.Errorf("allowed: got %d, want the listing", st)
	}
	if len(srv.Asks()) != 0 {
		t.Errorf("Asks after allowing: %+v", srv.Asks())
	}

	stranger := clientFrom("127.0.5.3")
	getFrom(t, stranger, base+"/")
	if err := srv.Deny("127.0.5.3"); err != nil {
		t.Fatal(err)
	}
	if st, body := getFrom(t, stranger, base+"/~ask"); st != 403 {
		t.Errorf("poll once denied: got %d %q, want 403", st, body)
	}
	if st, body := getFrom(t, stranger, base+"/"); st != 403 || !strings.Contains(body, "did not let this device in") {
		t.Errorf("denied: got %d %q, want 403 saying so", st, body)
	}
	if got := srv.Blocked(); len(got) != 1 || got[0] != "127.0.5.3" {
		t.Errorf("Blocked: got %v, want the denied device", got)
	}

	for i := range 16 {
		if st, _ := getFrom(t, clientFrom(fmt.Sprintf("127.0.6.%d", i+1)), base+"/"); st != 503 {
			t.Fatalf("waiting device %d: got %d, want 503", i+1, st)
		}
	}
	if st, body := getFrom(t, clientFrom("127.0.6.100"), base+"/"); st != 503 || !strings.Contains(body, "Too many devices") {
		t.Errorf("one device too many: got %d %q", st, body)
	}
	if n := len(srv.Asks()); n != 16 {
		t.Errorf("waiting: got %d, want 16", n)
	}
}

// waitBody waits for the page in ctx to show want, across the reloads
// the page makes by itself.
func waitBody(t *testing.T, ctx context.Context, want, what string) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, what, func() bool {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		return err == nil && strings.Contains(got, want)
	})
}

// TestAskBrowser: Chromium's waiting page goes on to the listing by
// itself once the device is allowed; a denied one shows the 403 page by
// itself; one nobody answers says so once the wait is over.
func TestAskBrowser(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"holiday.jpg": "x"})
	browser := newBrowser(t)

	t.Run("allowed", func(t *testing.T) {
		srv, _, base := startServer(t, fileserver.Config{Root: root, Ask: true})
		ctx := tab(t, browser)
		run(t, ctx, chromedp.Navigate(base+"/"))
		if got := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(got, "Waiting for approval") {
			t.Fatalf("first page: %q", got)
		}
		if len(srv.Asks()) != 1 || !strings.Contains(srv.Asks()[0].Device, "Chrome") {
			t.Fatalf("Asks: %+v", srv.Asks())
		}
		srv.Allow("127.0.0.1")
		waitBody(t, ctx, "holiday.jpg", "the page to go on to the listing")
	})
	t.Run("denied", func(t *testing.T) {
		srv, _, base := startServer(t, fileserver.Config{Root: root, Ask: true})
		ctx := tab(t, browser)
		run(t, ctx, chromedp.Navigate(base+"/"))
		srv.Deny("127.0.0.1")
		waitBody(t, ctx, "did not let this device in", "the page to show the refusal")
	})
	t.Run("unanswered", func(t *testing.T) {
		_, _, base := startServer(t, fileserver.Config{Root: root, Ask: true, AskWait: 2 * time.Second})
		ctx := tab(t, browser)
		run(t, ctx, chromedp.Navigate(base+"/"))
		waitBody(t, ctx, "Nobody at the sharing computer answered in time", "the page to say nobody answered")
	})
}

// TestAskSecretDevices: with --secret, a device is its address and the
// browser its cookie names: allowing one browser does not let in another
// one at the same address, and a browser that comes back by the link
// stays the device that was allowed.
func TestAskSecretDevices(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Ask: true, Secret: true})
	tok := secretOf(t, srv)
	visit := func(cookie string) string { // the link; returns the cookie set
		t.Helper()
		h := http.Header{}
		if cookie != "" {
			h.Set("Cookie", cookie)
		}
		r, _ := httpDo(t, "GET", base+"/~s/"+tok, h)
		c := r.Cookies()
		if r.StatusCode != http.StatusSeeOther || len(c) != 1 {
			t.Fatalf("the link: got %d, cookies %v", r.StatusCode, c)
		}
		return c[0].Name + "=" + c[0].Value
	}
	status := func(cookie string) int {
		t.Helper()
		r, _ := httpDo(t, "GET", base+"/a.txt", http.Header{"Cookie": {cookie}})
		return r.StatusCode
	}
	first := visit("")
	if got := status(first); got != 503 {
		t.Fatalf("first browser: got %d, want 503 (waiting)", got)
	}
	asks := srv.Asks()
	if len(asks) != 1 || asks[0].Client != "127.0.0.1" || !strings.HasPrefix(asks[0].Key, "127.0.0.1#") {
		t.Fatalf("Asks: %+v", asks)
	}
	srv.Allow(asks[0].Key)
	if got := status(first); got != 200 {
		t.Errorf("first browser, allowed: got %d, want 200", got)
	}
	if again := visit(first); again != first || status(again) != 200 {
		t.Errorf("first browser by the link again: cookie %q (was %q)", again, first)
	}
	second := visit("")
	if second == first {
		t.Fatal("two browsers got the same cookie")
	}
	if got := status(second); got != 503 {
		t.Errorf("second browser at the same address: got %d, want 503 (waiting)", got)
	}
}

// TestAskSecretScript: with --ask and --secret, a script that keeps no
// cookie (curl URL/~s/TOKEN/file) is its address: once allowed, its next
// request gets the file (curl --retry works), where each used to be a new
// device asking again. A browser opening the long link is a device of its
// own, still.
func TestAskSecretScript(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Ask: true, Secret: true, Upload: true})
	long := base + "/~s/" + secretOf(t, srv) + "/a.txt"
	curl := http.Header{"Accept": {"*/*"}, "User-Agent": {"curl/8.5.0"}}
	if r, _ := httpDo(t, "GET", long, curl); r.StatusCode != 503 {
		t.Fatalf("the script's first request: got %d, want 503 (waiting)", r.StatusCode)
	}
	// An upload to the link (curl -d, curl -F to URL/~s/TOKEN/) is the same device.
	if r, _ := send(t, "POST", base+"/~s/"+secretOf(t, srv)+"/?text", strings.NewReader("text=hi"),
		http.Header{"Accept": {"*/*"}, "Content-Type": {"application/x-www-form-urlencoded"}}); r.StatusCode != 503 {
		t.Fatalf("the script's text: got %d, want 503 (waiting)", r.StatusCode)
	}
	if r, _ := httpDo(t, "GET", long, curl); r.StatusCode != 503 {
		t.Fatalf("the script again: got %d, want 503 (waiting)", r.StatusCode)
	}
	asks := srv.Asks()
	if len(asks) != 1 || asks[0].Key != "127.0.0.1" {
		t.Fatalf("Asks: %+v, want the script once, as its address", asks)
	}
	srv.Allow(asks[0].Key)
	if r, body := httpDo(t, "GET", long, curl); r.StatusCode != 200 || string(body) != "hello" {
		t.Errorf("the script, allowed: got %d %q, want the file", r.StatusCode, body)
	}
	browser := http.Header{"Accept": {"text/html,*/*;q=0.8"}}
	r, _ := httpDo(t, "GET", long, browser)
	if asks := srv.Asks(); r.StatusCode != 503 || len(asks) != 1 || !strings.HasPrefix(asks[0].Key, "127.0.0.1#") {
		t.Errorf("a browser by the long link: got %d, asks %+v; want it waiting as a device of its own", r.StatusCode, asks)
	}
}
