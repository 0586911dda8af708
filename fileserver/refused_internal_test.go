package fileserver

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/transfer"
)

// TestCutRequestLogged: a connection that ends mid-request with nothing
// answered (a reset, or the header timeout) leaves a line that says so; an
// idle one that closes leaves none.
func TestCutRequestLogged(t *testing.T) {
	tracker := transfer.New()
	defer tracker.Close()
	s, err := New(Config{Root: t.TempDir()}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()

	// The idle connection first: had it logged, its line would come first.
	for _, sent := range []string{"", "GET /a\x1bb HTTP/1.1\r\nHost: x\r\n"} {
		server, client := net.Pipe()
		c := &watchedConn{Conn: server, s: s}
		go func() { io.WriteString(client, sent); client.Close() }()
		io.ReadAll(c)
		c.Close()
	}
	select {
	case ev := <-sub.C:
		l := ev.Log
		if l.Status != 0 || l.URI != "/a\x1bb" || l.Note != "connection closed before the request was complete" || strings.Contains(l.String(), "\x1b") {
			t.Errorf("got %q, want the cut request's line, escaped", l.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no line for the cut request")
	}
}

// TestRefusedClientsForgotten: counts of clients whose window has passed
// are dropped once many clients were refused, so a scan from many
// addresses leaves no growing map; a client still being counted stays.
func TestRefusedClientsForgotten(t *testing.T) {
	tracker := transfer.New()
	defer tracker.Close()
	s, err := New(Config{Root: t.TempDir()}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	for i := range refusedClients {
		s.refused(transfer.LogLine{Client: "10.0.0." + strconv.Itoa(i)})
	}
	r := &s.refusals
	r.mu.Lock()
	for _, rc := range r.clients {
		rc.since = rc.since.Add(-2 * refusedWindow) // their windows have passed
	}
	r.clients["10.0.0.1"].since = time.Now() // this one's has not
	r.mu.Unlock()
	s.refused(transfer.LogLine{Client: "192.0.2.1"})
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.clients) != 2 || r.clients["10.0.0.1"] == nil || r.clients["192.0.2.1"] == nil {
		t.Errorf("after a new client: %d counts kept, want 2 (the new one and the one still counting)", len(r.clients))
	}
}
