package fileserver_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// The regressions of the HTTP layer that once answered unlike net/http
// (its own request parser, parked connections, hand-offs of stalled
// downloads). Every test here runs in both builds: `make test` runs the
// suite with and without -tags portable.

// answers reads n responses from br, with their bodies.
func answers(t *testing.T, br *bufio.Reader, n int) (got []*http.Response, bodies []string) {
	t.Helper()
	for i := range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("answer %d: reading the body: %v", i+1, err)
		}
		got, bodies = append(got, resp), append(bodies, string(b))
	}
	return got, bodies
}

// slowClientPause is longer than any wait the HTTP layer ever had for the
// rest of a request (the parked connections' second).
const slowClientPause = 1500 * time.Millisecond

// A client that pauses in the middle of its request line or headers, on a
// new connection or one that already served a request, gets its answer:
// nothing is cut at the pause, no byte is lost.
func TestSlowRequestLine(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"x": "x\n", "y": "y\n"})
	srv, _, _ := startServer(t, fileserver.Config{Root: root})
	for _, kept := range []bool{false, true} {
		for _, split := range []string{"GE", "GET /x HT", "GET /x HTTP/1.1\r\nHo"} {
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(30 * time.Second))
			br := bufio.NewReader(c)
			if kept {
				io.WriteString(c, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n")
				if _, bodies := answers(t, br, 1); bodies[0] != "y\n" {
					t.Fatalf("first request: got %q", bodies[0])
				}
			}
			req := "GET /x HTTP/1.1\r\nHost: x\r\n\r\nGET /y HTTP/1.1\r\nHost: x\r\n\r\n"
			io.WriteString(c, split)
			time.Sleep(slowClientPause) // the slow client is the test's input, not a wait for the server
			io.WriteString(c, req[len(split):])
			resps, bodies := answers(t, br, 2)
			if resps[0].StatusCode != 200 || bodies[0] != "x\n" || resps[1].StatusCode != 200 || bodies[1] != "y\n" {
				t.Errorf("kept %v, split after %q: got %d %q, %d %q; want 200 x, 200 y", kept, split,
					resps[0].StatusCode, bodies[0], resps[1].StatusCode, bodies[1])
			}
			c.Close()
		}
	}
}

// clientHello is the first flight of a real TLS client.
func clientHello(t *testing.T) []byte {
	t.Helper()
	a, b := net.Pipe()
	defer b.Close()
	go func() {
		tls.Client(a, &tls.Config{ServerName: "x"}).Handshake()
		a.Close()
	}()
	buf := make([]byte, 16<<10)
	n, err := b.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf[:n]
}

// A TLS client on the plain port is told at once, not after a timeout, and
// the refusal is logged.
func TestTLSOnPlainPort(t *testing.T) {
	t.Parallel()
	srv, tracker, _ := startServer(t, fileserver.Config{})
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second)) // far below the 10 s header timeout
	c.Write(clientHello(t))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a ClientHello: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "http://") {
		t.Errorf("got %d %q, want 400 and a hint to use http://", resp.StatusCode, b)
	}
	l := refusedLine(t, sub, "TLS handshake sent to the plain-HTTP port")
	if l.Status != 400 {
		t.Errorf("logged %q, want status 400", l.String())
	}
}

// A valid request written in the same TCP write as a request with both
// Content-Length and Transfer-Encoding is answered as itself; the second
// is answered by its route, and the connection then closed (RFC 9112
// §6.3), so nothing behind its body is ever read as a request. The same
// for HTTP/1.0 with Transfer-Encoding (which net/http ignores there) and
// a folded Content-Length.
func TestFramingRegressions(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"x": "x\n", "secret": "s\n"})
	srv, _, _ := startServer(t, fileserver.Config{Root: root})
	get := "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"
	smuggled := "GET /secret HTTP/1.1\r\nHost: x\r\n\r\n"
	clte := "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
	tests := []struct {
		name   string
		sent   string
		status []int // the answers, in order; the connection closes after the last
	}{
		{"GET, then CL+TE in one write", get + clte, []int{200, 405}},
		{"HTTP/1.0 with chunked, keep-alive, then CL+TE", "GET /x HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n" + get + clte, []int{200, 200, 405}},
		{"HTTP/1.0 with identity, keep-alive, then CL+TE", "GET /x HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: identity\r\n\r\n" + get + clte, []int{200, 200, 405}},
		{"folded Content-Length, then CL+TE", "GET /x HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n 0\r\n\r\n" + get + clte, []int{200, 200, 405}},
	}
	for _, tc := range tests {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, tc.sent)
		br := bufio.NewReader(c)
		resps, bodies := answers(t, br, len(tc.status))
		for i, want := range tc.status {
			if resps[i].StatusCode != want {
				t.Errorf("%s: answer %d: got %d, want %d", tc.name, i+1, resps[i].StatusCode, want)
			}
			if strings.Contains(bodies[i], "s\n") && !strings.Contains(bodies[i], "<") {
				t.Errorf("%s: the smuggled request was answered", tc.name)
			}
		}
		if rest, _ := io.ReadAll(br); len(rest) > 0 {
			t.Errorf("%s: got %q after the last answer, want the connection closed", tc.name, rest)
		}
		c.Close()
	}
}

// Expect: 100-continue on a request that will not read its body gets its
// final answer at once, without a 100 and without waiting for the body
// (the client here never sends it, so a server that waited would never
// answer).
func TestExpectContinueUnread(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"x": "x\n"})
	srv, _, _ := startServer(t, fileserver.Config{Root: root})
	tests := []struct {
		name, req string
		status    int
	}{
		{"GET with a length", "GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", 200},
		{"PUT, uploads off", "PUT /new HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", 405},
		{"POST, uploads off", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", 405},
	}
	for _, tc := range tests {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, tc.req)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil {
			t.Errorf("%s: no answer without the body: %v", tc.name, err)
			continue
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: got %d, want %d (and no 100 Continue)", tc.name, resp.StatusCode, tc.status)
		}
	}
}

// A download whose client stops reading for a while, with a second
// request pipelined behind it, gets both answers whole once it reads
// again.
func TestStalledDownloadKeepsPipelined(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"small": "small\n"})
	const size = 64 << 20
	writePattern(t, filepath.Join(root, "big"), size)
	srv, _, _ := startServer(t, fileserver.Config{Root: root})
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	io.WriteString(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(slowClientPause) // the client stops reading: the test's input
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := checkPattern(resp.Body, size)
	resp.Body.Close()
	if !ok || got != size || err != nil {
		t.Fatalf("big: got %d of %d bytes, pattern ok %v, %v", got, size, ok, err)
	}
	resps, bodies := answers(t, br, 1)
	if resps[0].StatusCode != 200 || bodies[0] != "small\n" {
		t.Errorf("pipelined: got %d %q, want 200 small", resps[0].StatusCode, bodies[0])
	}
}
