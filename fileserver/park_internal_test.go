package fileserver

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shareit/transfer"
)

// Connections that go quiet leave net/http and come back with their next
// request (park.go): the client sees one keep-alive connection throughout,
// and nothing it sends is lost on the way.

// runParking runs a Server on 127.0.0.1 over a folder holding hello.txt;
// tweak, when not nil, changes its http.Server (timeouts) first.
func runParking(t testing.TB, tweak func(*Server)) *Server {
	s, _ := startParking(t, tweak)
	return s
}

// startParking is runParking that also returns stop, which ends Run as a
// signal would (the test's end does too) and returns Run's error.
func startParking(t testing.TB, tweak func(*Server)) (*Server, func() error) {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tracker := transfer.New()
	s, err := New(Config{Root: root, Bind: "127.0.0.1", Version: "test", Grace: time.Second}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(s)
	}
	if _, err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	stop := sync.OnceValue(func() error {
		cancel()
		return <-ran
	})
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		tracker.Close()
	})
	return s, stop
}

// parkedConns is how many connections s's listener holds outside net/http.
func (s *Server) parkedConns() int {
	s.net.mu.Lock()
	l, _ := s.net.ln.(*listener)
	s.net.mu.Unlock()
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.parked)
}

// waitParked waits until s holds want parked connections.
func waitParked(t *testing.T, s *Server, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * parkAfter)
	for s.parkedConns() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections parked, want %d", s.parkedConns(), want)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

// get sends raw on c and reads one response to a GET.
func get(t *testing.T, c net.Conn, br *bufio.Reader, raw string) (int, string) {
	t.Helper()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	return readOne(t, br)
}

func readOne(t *testing.T, br *bufio.Reader) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatalf("reading a response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading a body: %v", err)
	}
	return resp.StatusCode, string(body)
}

const getHello = "GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n"

func TestParkedConnectionServesAgain(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)

	// A new connection that has sent nothing parks too.
	waitParked(t, s, 1)
	for round := range 3 {
		if code, body := get(t, c, br, getHello); code != 200 || body != "hello\n" {
			t.Fatalf("round %d: got %d %q, want 200 %q", round, code, body, "hello\n")
		}
		waitParked(t, s, 1)
	}

	// Two requests in one write wake it; both are answered, in order.
	if _, err := io.WriteString(c, getHello+"GET /nothing HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if code, _ := readOne(t, br); code != 200 {
		t.Fatalf("first of two pipelined requests: %d, want 200", code)
	}
	if code, _ := readOne(t, br); code != 404 {
		t.Fatalf("second of two pipelined requests: %d, want 404", code)
	}

	// A request that pauses for longer than parkAfter half-way through its
	// header is not cut: only a connection with nothing pending parks.
	// Sent right after an answer, so it is read inside net/http, from a
	// connection that has not parked; then again from a woken one.
	for _, when := range []string{"after an answer", "after parking"} {
		if when == "after parking" {
			waitParked(t, s, 1)
		}
		if _, err := io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHo"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(parkAfter + parkAfter/2) // the slow client under test, not a wait
		if code, body := get(t, c, br, "st: test\r\n\r\n"); code != 200 || body != "hello\n" {
			t.Fatalf("request paused mid-header %s: got %d %q, want 200 %q", when, code, body, "hello\n")
		}
	}
	waitParked(t, s, 1)

	// The framing check starts afresh on a woken connection: a request
	// carrying both Content-Length and Transfer-Encoding is refused.
	smuggle := "POST /hello.txt HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n" +
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
	if code, _ := get(t, c, br, smuggle); code != http.StatusBadRequest {
		t.Fatalf("smuggling request after parking: %d, want 400", code)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the 400 the connection should close, read: %v", err)
	}
}

func TestParkedConnectionKeepsIdleTimeout(t *testing.T) {
	t.Parallel()
	const idle = 3 * parkAfter
	s := runParking(t, func(s *Server) { s.net.http.IdleTimeout = idle })
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	get(t, c, br, getHello)
	waitParked(t, s, 1)
	// Parked without a deadline, it would stay open past this one.
	c.SetReadDeadline(time.Now().Add(10 * idle))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: read %v, want EOF", err)
	}
	waitParked(t, s, 0)
}

func TestStopClosesParkedConnections(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		get(t, c, bufio.NewReader(c), getHello)
		conns = append(conns, c)
	}
	waitParked(t, s, 3)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Fatalf("parked connection %d after Stop: read %v, want EOF", i, err)
		}
	}
}

// A connection that parks before its first request still has to send its
// header within the header timeout counted from when it was accepted, as
// it would inside net/http: the first byte does not start a new one.
func TestParkedNewConnectionKeepsHeaderTimeout(t *testing.T) {
	t.Parallel()
	const header = 3 * time.Second
	s := runParking(t, func(s *Server) { s.net.http.ReadHeaderTimeout = header })
	dialled := time.Now()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitParked(t, s, 1)
	// The first byte comes two thirds into the timeout; a fresh timeout
	// from there would keep the connection open until 5 s after the dial.
	time.Sleep(time.Until(dialled.Add(2 * header / 3))) // the slow client under test
	if _, err := io.WriteString(c, "GET /hello.txt HTTP/1.1\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("waiting for the server to close: %v", err)
	}
	if took := time.Since(dialled); took > header+header/2 {
		t.Fatalf("header still awaited %v after the dial; the timeout is %v", took, header)
	}
}

// A client that hangs up while parked is let go at once, not at the
// deadline.
func TestParkedConnectionClientHangsUp(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	get(t, c, bufio.NewReader(c), getHello)
	waitParked(t, s, 1)
	c.Close()
	waitParked(t, s, 0) // 60 s before the idle timeout would
}
