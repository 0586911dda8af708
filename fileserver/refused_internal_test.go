package fileserver

import (
	"io"
	"net"
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
