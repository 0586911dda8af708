package fileserver_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// The server's ReadHeaderTimeout is 10 s; 30 s leaves room for a loaded
// machine without letting a server that never hangs up pass.
const hangUpWithin = 30 * time.Second

// TestSlowHeaders: a client that starts a request and never finishes its
// header block is disconnected (slowloris).
func TestSlowHeaders(t *testing.T) {
	t.Parallel()
	srv, _, _ := startServer(t, fileserver.Config{})
	tests := []struct {
		name string
		sent string
		drip bool // keep sending one byte of a header value every 200 ms
	}{
		{"nothing", "", false},
		{"partial request line", "GET /index.ht", false},
		{"partial headers", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", false},
		{"dripping header", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", true},
	}
	// Every client starts at once, so the test lasts one timeout, not four.
	conns := make([]net.Conn, len(tests))
	deadline := time.Now().Add(hangUpWithin)
	stop := make(chan struct{})
	defer close(stop)
	for i, tc := range tests {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		if _, err := io.WriteString(c, tc.sent); err != nil {
			t.Fatal(err)
		}
		if tc.drip {
			go func() {
				tick := time.NewTicker(200 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := c.Write([]byte("a")); err != nil {
							return
						}
					}
				}
			}()
		}
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := readUntilClosed(t, conns[i], time.Until(deadline))
			if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 4") {
				t.Errorf("got %q before the server hung up, want nothing or a 4xx answer", got)
			}
		})
	}
}

// TestHostileRequests: requests that net/http must refuse, and the
// connection they came on closed; requests with Transfer-Encoding, answered
// by their route and then closed (Content-Length beside it is the shape of
// a smuggling attempt, and net/http drops the length: RFC 9112 §6.3); and
// two that look odd but are fine, and close because they ask to.
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	srv, _, _ := startServer(t, fileserver.Config{Root: root})

	bigHeaders := "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	for i := range 40 {
		bigHeaders += fmt.Sprintf("X-Pad-%02d: %s\r\n", i, strings.Repeat("a", 1000))
	}
	tests := []struct {
		name   string
		req    string
		status int
	}{
		{"header block over 32 KiB", bigHeaders + "\r\n", 431},
		{"one header line over 32 KiB", "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + strings.Repeat("b", 40<<10) + "\r\n\r\n", 431},
		{"no Host in HTTP/1.1", "GET /hello.txt HTTP/1.1\r\n\r\n", 400},
		{"two Host headers", "GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"length and chunked", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 405},
		{"chunked and length", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 405},
		{"length and chunked in lower case", "GET /hello.txt HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 0\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", 200},
		{"length and chunked, smuggled request in the body", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405},
		{"chunked alone", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 405},
		{"many chunks with long extensions", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + longExtensionChunks(1200), 405},
		{"two different lengths", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
		{"negative length", "POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n", 400},
		{"space before colon", "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding : chunked\r\n\r\n", 400},
		{"bad request line", "GET /hello.txt\r\nHost: 127.0.0.1\r\n\r\n", 400},
		{"header block of 24 KiB is fine", "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ok: " + strings.Repeat("c", 24<<10) + "\r\nConnection: close\r\n\r\n", 200},
		{"HTTP/1.0 without Host is fine", "GET /hello.txt HTTP/1.0\r\n\r\n", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(hangUpWithin))
			// A pipelined request follows: it must get no answer when the
			// connection is to be closed.
			if _, err := io.WriteString(c, tc.req+"GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("got status %d (%q), want %d", resp.StatusCode, body, tc.status)
			}
			rest, err := io.ReadAll(br)
			if err != nil && !isReset(err) {
				t.Fatalf("after the answer: %v, want the connection closed", err)
			}
			if len(rest) > 0 {
				t.Errorf("got %q after the answer, want the connection closed", rest)
			}
		})
	}
}

// TestKeepAliveAfterBodies: bodies with a length, even ones that look like
// headers, are read as bodies, and the connection goes on serving.
func TestKeepAliveAfterBodies(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	srv, _, _ := startServer(t, fileserver.Config{Root: root})

	headerish := "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
	tests := []struct {
		name string
		req  string
	}{
		{"length body", fmt.Sprintf("POST /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", len(headerish), headerish)},
		{"GET with a body", fmt.Sprintf("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", len(headerish), headerish)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			br := bufio.NewReader(c)
			for i, req := range []string{tc.req, "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", tc.req, "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"} {
				if _, err := io.WriteString(c, req); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("request %d: reading the answer: %v", i, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				want := http.StatusOK
				if i%2 == 0 {
					want = http.StatusMethodNotAllowed
					if strings.HasPrefix(req, "GET /nothing") {
						want = http.StatusNotFound
					}
				}
				if resp.StatusCode != want {
					t.Fatalf("request %d: got status %d, want %d", i, resp.StatusCode, want)
				}
				if want == 200 && string(body) != "hello\n" {
					t.Errorf("request %d: got %q, want %q", i, body, "hello\n")
				}
				if resp.Close {
					t.Fatalf("request %d: the server closes the connection, want it kept alive", i)
				}
			}
		})
	}
}

// longExtensionChunks is a chunked body of n 64-byte chunks whose size
// lines carry 110-byte extensions: within what net/http allows, and many
// more line bytes than any header block.
func longExtensionChunks(n int) string {
	var b strings.Builder
	line := "40;ext=" + strings.Repeat("x", 110) + "\r\n" + strings.Repeat("d", 64) + "\r\n"
	for range n {
		b.WriteString(line)
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// bigFile is large enough that the socket buffers cannot hold it: a client
// that stops reading blocks the server's writes.
const bigFile = 64 << 20

// TestStalledClientDropped: a client that stops reading a download is cut
// off after Config.Stall, and the transfer is reported failed.
func TestStalledClientDropped(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), bigFile)
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root, Stall: time.Second})
	sub := tracker.Subscribe()
	defer sub.Close()

	c, resp := startDownload(t, srv.Addr(), "/big.bin")
	defer c.Close()
	// Read a little, then stop.
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	ev := waitEvent(t, sub, hangUpWithin, ended)
	if ev.Kind != transfer.EventFailed {
		t.Fatalf("transfer ended with event %d (%s), want failed", ev.Kind, ev.Transfer.State)
	}
	if ev.Transfer.Bytes >= bigFile || ev.Transfer.Err == "" {
		t.Errorf("failed transfer: %d of %d bytes, error %q; want fewer bytes and an error", ev.Transfer.Bytes, bigFile, ev.Transfer.Err)
	}
	t.Logf("dropped after %d bytes: %s", ev.Transfer.Bytes, ev.Transfer.Err)

	// The connection is closed: what is left in the buffers, then the end.
	c.SetReadDeadline(time.Now().Add(hangUpWithin))
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || isTimeout(err) {
		t.Errorf("reading on: got %v after %d more bytes, want the connection cut short", err, n)
	}
	if got := 64<<10 + n; got >= bigFile {
		t.Errorf("client received all %d bytes, want the download cut short", got)
	}
}

// TestPausedClientNotDropped: while transfers are paused nobody is dropped
// for not reading, however long it lasts; resuming finishes the download.
func TestPausedClientNotDropped(t *testing.T) {
	t.Parallel()
	const stall = time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), bigFile)
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root, Stall: stall})
	sub := tracker.Subscribe()
	defer sub.Close()

	tracker.Pause()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	testkit.Eventually(t, 10*time.Second, "the download to be tracked", func() bool { return len(tracker.Snapshot().Transfers) == 1 })

	// Nothing to wait for here: the point is that several stall periods
	// pass and nothing happens.
	noEndFor(t, sub, 3*stall)
	tracker.Resume()

	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("after resume: %v", err)
	}
	if n, ok, err := checkPattern(resp.Body, bigFile); !ok {
		t.Fatalf("after resume: got %d bytes (%v), want all %d, intact", n, err, bigFile)
	}
	if ev := waitEvent(t, sub, 10*time.Second, ended); ev.Kind != transfer.EventFinished {
		t.Errorf("transfer ended with event %d (%s %q), want finished", ev.Kind, ev.Transfer.State, ev.Transfer.Err)
	}
}

// TestPauseMidDownload: pausing a download that is under way holds it,
// without dropping the client, and resuming finishes it intact.
func TestPauseMidDownload(t *testing.T) {
	t.Parallel()
	const stall = time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), bigFile)
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root, Stall: stall})
	sub := tracker.Subscribe()
	defer sub.Close()

	c, resp := startDownload(t, srv.Addr(), "/big.bin")
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	var received atomic.Int64
	type result struct {
		n   int64
		ok  bool
		err error
	}
	done := make(chan result, 1)
	// The client reads 4 MiB and waits there until the pause is on, so the
	// download cannot be over before it.
	atFour, paused := make(chan struct{}), make(chan struct{})
	go func() {
		first := make([]byte, 4<<20)
		if _, err := io.ReadFull(resp.Body, first); err != nil {
			close(atFour)
			done <- result{0, false, err}
			return
		}
		received.Store(int64(len(first)))
		close(atFour)
		<-paused
		n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), countingReader{resp.Body, &received}), bigFile)
		done <- result{n, ok, err}
	}()
	<-atFour
	tracker.Pause()
	close(paused)
	// The chunk under way when Pause came may still arrive; then nothing.
	testkit.Eventually(t, 30*time.Second, "the bytes received to match the tracker's", func() bool {
		ts := tracker.Snapshot().Transfers
		return len(ts) == 1 && ts[0].Bytes == received.Load()
	})
	held := received.Load()
	noEndFor(t, sub, 3*stall)
	if got := received.Load(); got >= bigFile {
		t.Fatalf("the whole file arrived while paused")
	} else if got-held > 4<<20 {
		t.Errorf("%d bytes arrived while paused, want at most one chunk", got-held)
	}
	tracker.Resume()
	r := <-done
	if !r.ok {
		t.Fatalf("after resume: got %d bytes (%v), want all %d, intact", r.n, r.err, bigFile)
	}
	if ev := waitEvent(t, sub, 10*time.Second, ended); ev.Kind != transfer.EventFinished {
		t.Errorf("transfer ended with event %d (%s %q), want finished", ev.Kind, ev.Transfer.State, ev.Transfer.Err)
	}
}

// TestPausedSmallFile: a small file asked for while paused waits for
// resume, however long that takes, and then arrives whole.
func TestPausedSmallFile(t *testing.T) {
	t.Parallel()
	const stall = time.Second
	root := t.TempDir()
	writeTree(t, root, map[string]string{"small.txt": "small file\n"})
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root, Stall: stall})
	sub := tracker.Subscribe()
	defer sub.Close()

	tracker.Pause()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /small.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	noEndFor(t, sub, 3*stall)
	tracker.Resume()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("after resume: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "small file\n" || err != nil {
		t.Errorf("after resume: got %d %q (%v), want 200 %q", resp.StatusCode, body, err, "small file\n")
	}
}

// TestManyIdleConnections: a thousand connections that send nothing, or
// half a request, do not keep others from being served.
func TestManyIdleConnections(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	srv, _, base := startServer(t, fileserver.Config{Root: root})

	const idle = 1000
	raiseOpenFiles(t, 2*idle+256) // both ends of each connection are in this process
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range idle {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		if i%2 == 1 {
			io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n")
		}
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 5 {
		resp, err := client.Get(base + "/hello.txt")
		if err != nil {
			t.Fatalf("GET %d with %d idle connections open: %v", i, idle, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello\n" {
			t.Fatalf("GET %d: got %d %q, want 200 %q", i, resp.StatusCode, body, "hello\n")
		}
	}
}

// startDownload sends GET path on a new connection and reads the answer's
// header. The body is left to the caller.
func startDownload(t *testing.T, addr, path string) (net.Conn, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		c.Close()
		t.Fatalf("GET %s: got status %d, want 200", path, resp.StatusCode)
	}
	return c, resp
}

// noEndFor fails the test if any transfer ends within d.
func noEndFor(t *testing.T, sub *transfer.Subscription, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev := <-sub.C:
			if ended(ev) {
				t.Fatalf("transfer ended while paused: %s after %d bytes (%q)", ev.Transfer.State, ev.Transfer.Bytes, ev.Transfer.Err)
			}
		case <-timer.C:
			return
		}
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	return n, err
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// isReset reports a connection reset or a read on a connection the peer
// closed: both mean the server hung up.
func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe") || err == io.ErrUnexpectedEOF
}
