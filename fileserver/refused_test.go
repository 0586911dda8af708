package fileserver_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// refusedLine waits for the log line of a refused request whose Note
// contains note.
func refusedLine(t *testing.T, sub *transfer.Subscription, note string) *transfer.LogLine {
	t.Helper()
	ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
		return ev.Kind == transfer.EventLog && strings.Contains(ev.Log.Note, note)
	})
	return ev.Log
}

// TestRefusedRequestsLogged: every request net/http refuses before a
// handler runs leaves one log line with the client, what was wrong and the
// status sent; nothing the client sent reaches the line raw.
func TestRefusedRequestsLogged(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()

	tests := []struct {
		name, req string
		status    int
		note      string // part of the reason logged
	}{
		{"control byte in the target", "GET /a\x01\x1b[31mb HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid control character in URL"},
		{"control byte in a header", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\n\r\n", 400, "malformed MIME header line"},
		{"malformed request line", "HELLO\r\n\r\n", 400, "malformed HTTP request"},
		{"2 MB header", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n", 431, "Request Header Fields Too Large"},
		{"unknown transfer coding", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported transfer encoding"},
		{"no Host", "GET /hello.txt HTTP/1.1\r\n\r\n", 400, "missing required Host header"},
	}
	for _, tc := range tests {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go io.WriteString(c, tc.req) // a 2 MB header may not fit the socket before the answer
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil {
			t.Fatalf("%s: reading the answer: %v", tc.name, err)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: got status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		l := refusedLine(t, sub, tc.note)
		text := l.String()
		if l.Client != "127.0.0.1" || l.Status != tc.status {
			t.Errorf("%s: logged client %q status %d, want 127.0.0.1 and %d", tc.name, l.Client, l.Status, tc.status)
		}
		if strings.ContainsAny(text, "\x01\x1b") || len(text) > 4096 {
			t.Errorf("%s: the log line carries raw control bytes or the whole header: %q", tc.name, text[:min(len(text), 200)])
		}
		t.Logf("%s: %s", tc.name, text)
	}

	// A client that hangs up mid-request: net/http reads what came before
	// the end as the request, refuses it, and the line says why. (A reset
	// that gets no answer at all: TestCutRequestLogged.)
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n")
	c.Close()
	ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
	if l := ev.Log; l.URI != "/hello.txt" || l.Note == "" {
		t.Errorf("cut request: got %q, want a refused line for /hello.txt", l.String())
	} else {
		t.Logf("cut request: %s", l.String())
	}

	// An answered request is not logged as refused, and an idle
	// keep-alive connection that closes is not a cut request.
	c, err = net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("plain GET: %v, %v", resp, err)
	}
	c.Close()
	ev = waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
	if ev.Log.Note != "" || ev.Log.Status != 200 {
		t.Errorf("plain GET logged as %q", ev.Log.String())
	}
}

// TestRefusedFloodSummarised: a client that sends many bad requests gets a
// few lines, then one that says how many more there were.
func TestRefusedFloodSummarised(t *testing.T) {
	t.Parallel()
	srv, tracker, _ := startServer(t, fileserver.Config{})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	const bad = 30
	for range bad {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "BAD\r\n\r\n")
		io.ReadAll(c)
		c.Close()
	}
	lines, more := 0, ""
	for more == "" {
		ev := waitEvent(t, sub, 20*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		if strings.Contains(ev.Log.Note, "more like this") {
			more = ev.Log.Note
		} else {
			lines++
		}
	}
	if lines >= bad || lines == 0 {
		t.Errorf("%d single lines for %d bad requests, want a few", lines, bad)
	}
	if want := " more like this from 127.0.0.1"; !strings.HasSuffix(more, want) || !strings.HasPrefix(more, strconv.Itoa(bad-lines)+" ") {
		t.Errorf("summary %q, want %d%s", more, bad-lines, want)
	}
}

// TestTLSHandshakeFailureLogged: over HTTPS a client that does not speak
// TLS is a refused request too.
func TestTLSHandshakeFailureLogged(t *testing.T) {
	t.Parallel()
	srv, tracker, _ := startServer(t, fileserver.Config{TLS: true})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()

	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	b, _ := io.ReadAll(c)
	c.Close()
	if !strings.HasPrefix(string(b), "HTTP/1.0 400") {
		t.Errorf("plain HTTP to the HTTPS port: got %q, want a 400", b)
	}
	l := refusedLine(t, sub, "TLS handshake failed")
	if l.Status != 400 || l.Client != "127.0.0.1" {
		t.Errorf("got %q, want status 400 from 127.0.0.1", l.String())
	}

	// A TLS client that gives up on the certificate.
	_, err = tls.Dial("tcp", srv.Addr(), &tls.Config{ServerName: "nowhere.invalid"})
	if err == nil {
		t.Fatal("the made certificate was accepted for nowhere.invalid")
	}
	l = refusedLine(t, sub, "TLS handshake failed")
	if l.Status != 0 {
		t.Errorf("got %q, want no status", l.String())
	}
}

// TestHTTP2PrefaceRefusedLogged: a TLS client that negotiates h2 and then
// does not speak HTTP/2 is a refused request too.
func TestHTTP2PrefaceRefusedLogged(t *testing.T) {
	t.Parallel()
	srv, tracker, _ := startServer(t, fileserver.Config{TLS: true})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	c, err := tls.Dial("tcp", srv.Addr(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Fatalf("negotiated %q, want h2", p)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n and more, to fill the preface's 24 bytes")
	io.ReadAll(c)
	l := refusedLine(t, sub, "HTTP/2 connection preface refused")
	if l.Client != "127.0.0.1" {
		t.Errorf("got %q, want the client's address", l.String())
	}
}

// TestRefusedOverTLSLogged: what net/http refuses on an HTTPS connection
// that speaks HTTP/1.1 is logged as over plain HTTP.
func TestRefusedOverTLSLogged(t *testing.T) {
	t.Parallel()
	srv, tracker, _ := startServer(t, fileserver.Config{TLS: true})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	c, err := tls.Dial("tcp", srv.Addr(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /a\x1bb HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("got %v, %v; want a 400", resp, err)
	}
	l := refusedLine(t, sub, "invalid control character in URL")
	if l.Status != 400 || strings.Contains(l.String(), "\x1b") {
		t.Errorf("got %q, want status 400, escaped", l.String())
	}
}
