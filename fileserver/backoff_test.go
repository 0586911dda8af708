package fileserver_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// TestBackoffWrongTokens: wrong secret tokens from one address are
// answered late after a few (Retry-After on the answer, a logged back-off),
// then refused with 429; another address with the right link is served
// meanwhile; no page shows anything of the share.
func TestBackoffWrongTokens(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"private-notes.txt": "x"})
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Secret: true})
	sub := tracker.Subscribe(transfer.EventNotice)
	defer sub.Close()
	tok := secretOf(t, srv)
	guesser := clientFrom("127.0.4.2")
	get := func(c *http.Client, path string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	const slowAfter, maxFailures = 5, 10
	for i := 1; i < maxFailures; i++ {
		resp, body := get(guesser, "/~s/guess"+strconv.Itoa(i))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("guess %d: got %d, want 403", i, resp.StatusCode)
		}
		if strings.Contains(body, "private") {
			t.Fatalf("guess %d: the page names a file", i)
		}
		slow := resp.Header.Get("Retry-After") != ""
		if slow != (i > slowAfter) {
			t.Errorf("guess %d: Retry-After %q; want one from guess %d on", i, resp.Header.Get("Retry-After"), slowAfter+1)
		}
		if i == slowAfter+1 {
			ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Action == transfer.ActionBackoff })
			if !strings.Contains(ev.Text, "127.0.4.2") || !strings.Contains(ev.Text, "back-off") {
				t.Errorf("back-off notice: %q", ev.Text)
			}
		}
		// Someone else, with the link, is not held up by the guesser.
		if r, _ := get(clientFrom("127.0.4.3"), "/~s/"+tok+"/private-notes.txt"); r.StatusCode != 200 {
			t.Fatalf("another address with the link, after guess %d: got %d", i, r.StatusCode)
		}
	}
	get(guesser, "/~s/last-guess")
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
		return ev.Action == transfer.ActionBackoff && strings.Contains(ev.Text, "refused for")
	})
	resp, body := get(guesser, "/~s/"+tok+"/private-notes.txt")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || strings.Contains(body, "private") {
		t.Errorf("after %d guesses, even with the link: got %d (Retry-After %q), want 429 naming nothing",
			maxFailures, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if r, _ := get(clientFrom("127.0.4.3"), "/~s/"+tok+"/private-notes.txt"); r.StatusCode != 200 {
		t.Errorf("another address with the link: got %d, want 200: a guesser locks out no one else", r.StatusCode)
	}
}
