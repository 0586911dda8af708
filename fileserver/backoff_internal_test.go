package fileserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"shareit/transfer"
)

func TestBackoffSteps(t *testing.T) {
	want := map[int]time.Duration{1: 0, 5: 0, 6: 100 * time.Millisecond, 7: 200 * time.Millisecond,
		9: 800 * time.Millisecond, 10: 1600 * time.Millisecond, 11: 2 * time.Second, 40: 2 * time.Second}
	for n, d := range want {
		if got := backoff(n); got != d {
			t.Errorf("backoff(%d): got %v, want %v", n, got, d)
		}
	}
}

// TestBackoffBounded: a wrong token past the first few is held back while
// a slot is free (a client that leaves meanwhile gets no answer); once
// maxSlow answers are held back, the next is answered at once and its
// connection closed, so guessers cannot pile up waiting goroutines.
func TestBackoffBounded(t *testing.T) {
	tracker := transfer.New()
	defer tracker.Close()
	s, err := New(Config{Root: t.TempDir(), Secret: true}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	for range slowAfter + 1 {
		s.access.fails.count("10.1.1.1", time.Now())
	}
	guess := func() *httptest.ResponseRecorder {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client is gone: a held-back answer is never written
		r := httptest.NewRequestWithContext(ctx, "GET", "/~s/wrong", nil)
		r.RemoteAddr = "10.1.1.1:5000"
		rec := httptest.NewRecorder()
		s.authorize(newResponseWriter(rec, r, s, time.Now()), r)
		return rec
	}
	if rec := guess(); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("held back, client gone: got %d %q, want nothing written", rec.Code, rec.Body)
	}
	for range maxSlow {
		s.access.slow <- struct{}{}
	}
	rec := guess()
	if rec.Code != http.StatusForbidden || rec.Header().Get("Connection") != "close" {
		t.Errorf("every slot taken: got %d, Connection %q; want 403 at once, closed", rec.Code, rec.Header().Get("Connection"))
	}
}
