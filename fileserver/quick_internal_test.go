package fileserver

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"shareit/transfer"
)

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

// The lane stands aside for a rate cap and a pause, which net/http's path
// carries out (and for a password: auth_test.go runs through it).
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

func TestParseQuick(t *testing.T) {
	t.Parallel()
	const h = "Host: test\r\n"
	for req, want := range map[string]bool{
		"GET /a.txt HTTP/1.1\r\n" + h + "\r\n":                                    true,
		"HEAD /a.txt HTTP/1.1\r\n" + h + "\r\n":                                   true,
		"GET /d/a-b_c~d.e!$&'()*+,;=:@ HTTP/1.1\r\n" + h + "\r\n":                 true,
		"GET /a HTTP/1.1\r\nhOsT:  x.example:81 \r\nConnection: Close\r\n\r\n":    true,
		"GET /a HTTP/1.1\r\nHost: [fe80::1]:80\r\nX-Any: \tv\x80\r\n\r\n":         true,
		"GET /a HTTP/1.0\r\n" + h + "\r\n":                                        false,
		"POST /a HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"get /a HTTP/1.1\r\n" + h + "\r\n":                                        false,
		"GET  /a HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"GET /a HTTP/1.1 \r\n" + h + "\r\n":                                       false,
		"GET /a HTTP/1.1\r\n\r\n":                                                 false,
		"GET /a HTTP/1.1\r\n" + h + h + "\r\n":                                    false,
		"GET /a HTTP/1.1\r\nHost: a b\r\n\r\n":                                    false,
		"GET /a HTTP/1.1\r\nHost: a@b\r\n\r\n":                                    false,
		"GET /a%2e HTTP/1.1\r\n" + h + "\r\n":                                     false,
		"GET /a?b HTTP/1.1\r\n" + h + "\r\n":                                      false,
		"GET /a#b HTTP/1.1\r\n" + h + "\r\n":                                      false,
		"GET /a/ HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"GET / HTTP/1.1\r\n" + h + "\r\n":                                         false,
		"GET http://test/a HTTP/1.1\r\n" + h + "\r\n":                             false,
		"GET /a\x00 HTTP/1.1\r\n" + h + "\r\n":                                    false,
		"GET /a HTTP/1.1\r\n" + h + "Range: bytes=0-1\r\n\r\n":                    false,
		"GET /a HTTP/1.1\r\n" + h + "if-none-match: \"x\"\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: x\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "Content-Length: 0\r\n\r\n":                   false,
		"GET /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n":          false,
		"GET /a HTTP/1.1\r\n" + h + "Expect: 100-continue\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "Upgrade: websocket\r\n\r\n":                  false,
		"GET /a HTTP/1.1\r\n" + h + "Connection: upgrade\r\n\r\n":                 false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\r\n folded\r\n\r\n":                   false,
		"GET /a HTTP/1.1\r\n" + h + "Host : x\r\n\r\n":                            false,
		"GET /a HTTP/1.1\r\n" + h + "X-A b\r\n\r\n":                               false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\x01\r\n\r\n":                          false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\rc\r\n\r\n":                           false,
		"GET /a HTTP/1.1\n" + h + "\r\n":                                          false,
		"GET /a HTTP/1.1\r\n" + h + "\n":                                          false,
		"GET /a HTTP/1.1\r\n" + h:                                                 false,
		"GET /a HTTP/1.1\r\n" + h + "\r":                                          false,
		"GET /a HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 10) + "\r\n":           false,
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n":                                        false,
		"GET /a HTTP/1.1\r\n" + h + "\r\nGET /b HTTP/1.1\r\n" + h + "\r\n":        true, // the first; quick wants it alone
		"GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" + h + "\r\n0\r\n\r\n": false,
	} {
		if _, ok := parseQuick([]byte(req)); ok != want {
			t.Errorf("parseQuick(%q): %v, want %v", req, ok, want)
		}
	}
}

// FuzzParseQuick: what the lane takes, net/http reads the same way: the
// same method, target, host, agent, referer and wish to close, with
// nothing the lane leaves to net/http, and the same length.
func FuzzParseQuick(f *testing.F) {
	for _, s := range []string{
		"GET /a.txt HTTP/1.1\r\nHost: test\r\n\r\n",
		"HEAD /a HTTP/1.1\r\nHost: x:1\r\nUser-Agent: u\r\nReferer: r\r\nConnection: close\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nX: \t y \r\n\r\nGET /b HTTP/1.1\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, ok := parseQuick(b)
		if !ok {
			return
		}
		br := bufio.NewReader(strings.NewReader(string(b)))
		r, err := http.ReadRequest(br)
		if err != nil {
			t.Fatalf("parseQuick takes %q; net/http: %v", b, err)
		}
		method := http.MethodGet
		if q.head {
			method = http.MethodHead
		}
		if read := len(b) - br.Buffered(); read != q.n {
			t.Fatalf("%q: parseQuick read %d bytes, net/http %d", b, q.n, read)
		}
		switch {
		case r.Method != method, r.RequestURI != string(q.target), r.URL.Path != string(q.target),
			r.Host == "", r.Close != q.close, r.UserAgent() != string(q.userAgent), r.Referer() != string(q.referer),
			!plain(r), r.ContentLength != 0, len(r.TransferEncoding) != 0:
			t.Fatalf("%q: parseQuick %+v; net/http %s %q host %q close %v agent %q referer %q plain %v",
				b, q, r.Method, r.RequestURI, r.Host, r.Close, r.UserAgent(), r.Referer(), plain(r))
		}
	})
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
				if waiting = strings.Contains(allStacks(), "(*Server).quickRest"); !waiting {
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
