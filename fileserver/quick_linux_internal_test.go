//go:build linux && !portable

package fileserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shareit/fileserver/accel"
	"shareit/transfer"
)

// The accelerated listener's parking and quick lane, seen from the server:
// connections that go quiet leave net/http and come back with their next
// request; the client sees one keep-alive connection throughout, nothing
// it sends is lost on the way, and what the lane answers is what net/http
// would have answered.

// parkAfter is how long accel's connections wait for a request inside
// net/http before they park.
const parkAfter = time.Second

// runParking runs a Server on 127.0.0.1 over a folder holding hello.txt;
// tweak, when not nil, changes it (timeouts, the cache) first.
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
	wl, _ := s.net.ln.(watchedListener)
	s.net.mu.Unlock()
	if wl.Listener == nil {
		return 0
	}
	return accel.Parked(wl.Listener)
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

// allStacks is every goroutine's stack.
func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// nextEvent is the next event of kind sub receives, within 10 s.
func nextEvent(t *testing.T, sub *transfer.Subscription, kind transfer.EventKind) transfer.Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-sub.C:
			if ev.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event of kind %d within 10 s", kind)
		}
	}
}

// stopWithin calls stop and fails unless it returns within d.
func stopWithin(t *testing.T, stop func() error, d time.Duration) {
	t.Helper()
	ran := make(chan error, 1)
	go func() { ran <- stop() }()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(d):
		t.Fatalf("Run has not returned %v after shutdown began", d)
	}
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

	// A woken connection is a new one to net/http, with the same rules: a
	// request carrying both Content-Length and Transfer-Encoding is
	// refused (uploads are off) and its connection closed after it.
	smuggle := "POST /hello.txt HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n" +
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
	if code, _ := get(t, c, br, smuggle); code < 400 || code > 499 {
		t.Fatalf("smuggling request after parking: %d, want a 4xx", code)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the refusal the connection should close, read: %v", err)
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

// runQuick runs a Server whose small files are cached as soon as they are
// read once, with a few of them in its folder.
func runQuick(t testing.TB) *Server {
	t.Helper()
	s := runParking(t, func(s *Server) { s.files.settle = 0 })
	for name, body := range map[string]string{
		"page.html":       "<!doctype html><p>hi</p>\n",
		"data":            "\x00\x01\x02 binary, sniffed\n",
		"sub/a+b(1).json": `{"a": 1}` + "\n",
		"dup.txt":         "hello\n",
	} {
		p := filepath.Join(s.cfg.Root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// The quick lane gives the answer net/http gives. "If-Match: *" sends the
// same request to net/http (the lane leaves preconditions to it), and on
// a file that exists it changes nothing in the answer.
func TestQuickLaneAnswersAsNetHTTP(t *testing.T) {
	t.Parallel()
	s := runQuick(t)
	for _, req := range []string{
		"GET /hello.txt HTTP/1.1\r\nHost: test\r\n",
		"HEAD /hello.txt HTTP/1.1\r\nHost: test\r\n",
		"GET /page.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: t/1\r\nReferer: http://x/\r\n",
		"GET /data HTTP/1.1\r\nhost: [::1]:80\r\nAccept: */*\r\n",
		"GET /sub/a+b(1).json HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n",
		"GET //sub/./a+b(1).json HTTP/1.1\r\nHost: test\r\n",
		"GET /dup.txt HTTP/1.1\r\nHost: test\r\nConnection: close\r\n",
	} {
		viaNetHTTP, want := rawResponse(t, s.Addr(), req+"If-Match: *\r\n\r\n") // also fills the cache
		viaQuick, got := rawResponse(t, s.Addr(), req+"\r\n")
		if _, err := http.ParseTime(viaQuick.Header.Get("Date")); err != nil {
			t.Errorf("%q: the quick lane's Date: %v", req, err)
		}
		viaNetHTTP.Header.Del("Date")
		viaQuick.Header.Del("Date")
		if viaQuick.Status != viaNetHTTP.Status || string(got) != string(want) || !sameHeader(viaQuick.Header, viaNetHTTP.Header) {
			t.Errorf("%q:\nquick lane: %s %v %q\nnet/http:   %s %v %q", req,
				viaQuick.Status, viaQuick.Header, got, viaNetHTTP.Status, viaNetHTTP.Header, want)
		}
		if viaQuick.StatusCode != 200 {
			t.Errorf("%q: %s, want 200", req, viaQuick.Status)
		}
	}
}

// waitStacks waits until some goroutine's stack holds fn, or none does.
func waitStacks(t *testing.T, fn string, want bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); strings.Contains(allStacks(), fn) != want; {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, a goroutine in %s: %v, want %v", fn, !want, want)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

// A plain request for a cached file is answered where its connection
// waits: no goroutine serves the connection, and the log line is the one
// net/http's answer gets. What the lane leaves — a Range, a query, two
// requests in one write — net/http answers on the same connection, with
// none of the bytes lost.
func TestQuickLaneKeepsConnection(t *testing.T) {
	s := runQuick(t)
	sub := s.tracker.Subscribe(transfer.EventLog)
	t.Cleanup(sub.Close)
	rawResponse(t, s.Addr(), getHello) // into the cache
	nextEvent(t, sub, transfer.EventLog)
	// net/http answered that one; its goroutine ends at the hang-up.
	waitStacks(t, "net/http.(*conn).serve", false)

	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	const ua = "GET /hello.txt HTTP/1.1\r\nHost: test\r\nUser-Agent: quick/1\r\nReferer: http://test/\r\n\r\n"
	if code, body := get(t, c, br, ua); code != 200 || body != "hello\n" {
		t.Fatalf("got %d %q, want 200 %q", code, body, "hello\n")
	}
	if stacks := allStacks(); strings.Contains(stacks, "net/http.(*conn).serve") {
		t.Fatalf("a goroutine serves a connection in net/http:\n%s", stacks)
	}
	l := nextEvent(t, sub, transfer.EventLog).Log
	want := transfer.LogLine{Time: l.Time, Client: "127.0.0.1", Method: "GET", URI: "/hello.txt", Proto: "HTTP/1.1",
		Status: 200, Bytes: 6, Referer: "http://test/", UserAgent: "quick/1", Duration: l.Duration, File: 6}
	if *l != want {
		t.Fatalf("log line %+v, want %+v", *l, want)
	}

	ranged := "GET /hello.txt HTTP/1.1\r\nHost: test\r\nRange: bytes=1-3\r\n\r\n"
	if code, body := get(t, c, br, ranged); code != 206 || body != "ell" {
		t.Fatalf("Range: got %d %q, want 206 %q", code, body, "ell")
	}
	if code, body := get(t, c, br, "GET /hello.txt?x=1 HTTP/1.1\r\nHost: test\r\n\r\n"); code != 200 || body != "hello\n" {
		t.Fatalf("query: got %d %q", code, body)
	}
	if _, err := io.WriteString(c, ua+ranged); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"hello\n", "ell"} {
		if _, body := readOne(t, br); body != want {
			t.Fatalf("pipelined request %d: %q, want %q", i, body, want)
		}
	}
}

// The lane stands aside for a password: a cached file is asked for one as
// any other is, on a parked connection too.
func TestQuickLaneAsksPassword(t *testing.T) {
	t.Parallel()
	s := runParking(t, func(s *Server) {
		s.files.settle = 0
		s.access.auth = newAuth(&Credentials{User: "u", Password: "p"})
	})
	authed := "GET /hello.txt HTTP/1.1\r\nHost: test\r\nAuthorization: Basic dTpw\r\n\r\n"
	if resp, body := rawResponse(t, s.Addr(), authed); resp.StatusCode != 200 || string(body) != "hello\n" {
		t.Fatalf("with the password: %s %q", resp.Status, body) // and into the cache
	}
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitParked(t, s, 1)
	if code, _ := get(t, c, bufio.NewReader(c), getHello); code != http.StatusUnauthorized {
		t.Fatalf("a cached file without the password: %d, want 401", code)
	}
}

// The lane stands aside for a rate cap and a pause, which net/http's path
// carries out.
func TestQuickLaneStandsAside(t *testing.T) {
	s := runQuick(t)
	rawResponse(t, s.Addr(), getHello) // into the cache
	s.SetRate(1 << 20)
	if resp, body := rawResponse(t, s.Addr(), getHello); resp.StatusCode != 200 || string(body) != "hello\n" {
		t.Fatalf("under a rate cap: %s %q", resp.Status, body)
	}
	s.SetRate(0)

	s.tracker.Pause()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, getHello); err != nil {
		t.Fatal(err)
	}
	waitStacks(t, "WaitResumed", true) // the request waits for the resume
	s.tracker.Resume()
	if code, body := readOne(t, bufio.NewReader(c)); code != 200 || body != "hello\n" {
		t.Fatalf("after the resume: %d %q", code, body)
	}
}

// An answer the socket has no room for waits for the client to read, on a
// goroutine of its own; the loop goes on. Every answer arrives whole and in
// order, and the connection serves the next request.
func TestQuickLaneWaitsForRoom(t *testing.T) {
	s, _ := startQuickFull(t)
	c, asked, big := fillQuick(t, s)
	br := bufio.NewReader(c)
	for i := range asked {
		if code, body := readOne(t, br); code != 200 || body != string(big) {
			t.Fatalf("answer %d of %d: %d, %d bytes (intact: %v)", i+1, asked, code, len(body), body == string(big))
		}
	}
	if code, body := get(t, c, br, getHello); code != 200 || body != "hello\n" {
		t.Fatalf("the next request: %d %q", code, body)
	}
}

// At shutdown an answer that waits for room is cut once the grace period
// is over, as a download outside net/http is, and logged so: Run does not
// wait the minute the stall limit would give it.
func TestQuickLaneCutAtShutdown(t *testing.T) {
	s, stop := startQuickFull(t) // grace: 1 s
	sub := s.tracker.Subscribe(transfer.EventLog)
	t.Cleanup(sub.Close)
	fillQuick(t, s)
	stopWithin(t, stop, DefaultStall/2) // not the stall limit
	for {
		if l := nextEvent(t, sub, transfer.EventLog).Log; l.Bytes == 0 {
			return // the cut one; the others were sent whole
		}
	}
}

// startQuickFull is runQuick, with stop (startParking's), and a cached
// file as big as the cache takes, big.txt.
func startQuickFull(t *testing.T) (*Server, func() error) {
	t.Helper()
	s, stop := startParking(t, func(s *Server) { s.files.settle = 0 })
	big := bytes.Repeat([]byte("0123456789abcdef"), maxCachedFile/16)
	if err := os.WriteFile(filepath.Join(s.cfg.Root, "big.txt"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	// Into the cache. A HEAD, so that its log line, which net/http's path
	// may publish after the answer is read, is not taken for a GET's.
	rawResponse(t, s.Addr(), "HEAD /big.txt HTTP/1.1\r\nHost: test\r\n\r\n")
	return s, stop
}

const bigReq = "GET /big.txt HTTP/1.1\r\nHost: test\r\n\r\n"

// fillQuick asks for big.txt on a connection with a small receive buffer,
// one request at a time and none read, until an answer waits for room. It
// returns the connection, how many were asked for, and big.txt.
func fillQuick(t *testing.T, s *Server) (net.Conn, int, []byte) {
	t.Helper()
	big, err := os.ReadFile(filepath.Join(s.cfg.Root, "big.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sub := s.tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	c, err := d.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	asked := 0
	for waiting := false; !waiting; {
		if _, err := io.WriteString(c, bigReq); err != nil {
			t.Fatal(err)
		}
		asked++
		for deadline := time.Now().Add(30 * time.Second); ; {
			select {
			case ev := <-sub.C:
				if ev.Log.Method != http.MethodGet {
					continue
				}
				// answered whole
			default:
				if waiting = strings.Contains(allStacks(), "accel.(*listener).rest"); !waiting {
					if time.Now().After(deadline) {
						t.Fatalf("request %d: neither answered nor waiting:\n%s", asked, allStacks())
					}
					time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
					continue
				}
			}
			break
		}
	}
	return c, asked, big
}

// BenchmarkQuickLane: one keep-alive connection asks for a cached 4 KiB
// file again and again and reads each answer into the same buffer, so
// allocs/op are the server's.
func BenchmarkQuickLane(b *testing.B) {
	s := runQuick(b)
	const req = "GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n"
	rawResponse(b, s.Addr(), req) // into the cache
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64<<10)
	var n int
	b.ReportAllocs()
	for b.Loop() {
		if _, err := io.WriteString(c, req); err != nil {
			b.Fatal(err)
		}
		if n, err = c.Read(buf); err != nil {
			b.Fatal(err)
		}
		for !bytes.HasSuffix(buf[:n], []byte("hello\n")) {
			m, err := c.Read(buf[n:])
			if err != nil {
				b.Fatal(err)
			}
			n += m
		}
	}
}

// A request net/http refuses on a connection the listener woke and handed
// back is logged as refused, as on a fresh one: the bytes the lane read
// reach the refusal log through the handed-over connection.
func TestParkedConnectionRefusalLogged(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	sub := s.tracker.Subscribe(transfer.EventLog)
	t.Cleanup(sub.Close)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	if code, _ := get(t, c, br, getHello); code != 200 {
		t.Fatalf("first request: %d", code)
	}
	nextEvent(t, sub, transfer.EventLog)
	waitParked(t, s, 1)
	if code, _ := get(t, c, br, "GET /hello.txt HTTP/1.1\r\nHost: test\r\nX-Bad: a\x01b\r\n\r\n"); code != http.StatusBadRequest {
		t.Fatalf("a control byte in a header: %d, want 400", code)
	}
	l := nextEvent(t, sub, transfer.EventLog).Log
	if l.Status != http.StatusBadRequest || l.URI != "/hello.txt" || l.Note == "" || l.Client != "127.0.0.1" {
		t.Fatalf("refusal logged as %+v; want status 400, URI /hello.txt, a note, client 127.0.0.1", *l)
	}
}
