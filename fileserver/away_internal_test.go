package fileserver

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shareit/transfer"
)

// A download whose client stops reading leaves net/http after awayAfter
// and waits in an epoll set with no goroutine (away.go); it is taken up
// again when the client reads, and ends as it would have inside net/http.

const awaySize = 64 << 20 // far more than socket buffers hold

// runAway runs a Server with an awaySize file, big.bin, over runParking's
// folder, with the stall limit given, and subscribes to its log lines and
// transfer ends. stop is startParking's.
func runAway(t *testing.T, stall time.Duration) (s *Server, sub *transfer.Subscription, stop func() error) {
	t.Helper()
	s, stop = startParking(t, func(s *Server) { s.cfg.Stall = stall })
	writeBig(t, filepath.Join(s.cfg.Root, "big.bin"))
	sub = s.tracker.Subscribe(transfer.EventLog, transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled)
	t.Cleanup(sub.Close)
	return s, sub, stop
}

// bigFile is big.bin: every 8-byte word holds its own offset, so a byte
// sent twice, or skipped, shows.
var bigFile = sync.OnceValue(func() []byte {
	b := make([]byte, awaySize)
	for o := 0; o < len(b); o += 8 {
		binary.LittleEndian.PutUint64(b[o:], uint64(o))
	}
	return b
})

func writeBig(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, bigFile(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// bigBody checks a body of big.bin from offset 0, across any number of
// reads: got is how many bytes came, bad whether they were not the file's.
type bigBody struct {
	got int64
	bad bool
}

func (b *bigBody) Write(p []byte) (int, error) {
	want := bigFile()[min(b.got, awaySize):]
	b.bad = b.bad || !bytes.Equal(p, want[:min(len(p), len(want))]) || len(p) > len(want)
	b.got += int64(len(p))
	return len(p), nil
}

// read reads r until it ends or fails, and returns what came in all.
func (b *bigBody) read(r io.Reader) int64 {
	io.Copy(b, r)
	return b.got
}

// stall starts a download of big.bin that reads the header and no more.
func stall(t *testing.T, s *Server) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	br := bufio.NewReader(c)
	if _, err := io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("response %v, %v", resp, err)
	}
	return c, br, resp
}

// awayCounts is how many bodies have left net/http, and how many of them
// wait in the epoll set.
func (s *Server) awayCounts() (all, waiting int) {
	s.away.mu.Lock()
	defer s.away.mu.Unlock()
	return len(s.away.all), len(s.away.waiting)
}

func waitAway(t *testing.T, s *Server, all, waiting int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, w := s.awayCounts()
		if a == all && w == waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bodies away, %d of them waiting; want %d and %d", a, w, all, waiting)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

// nextEvent returns sub's next event of kind, within 30 s.
func nextEvent(t *testing.T, sub *transfer.Subscription, kinds ...transfer.EventKind) transfer.Event {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-sub.C:
			for _, k := range kinds {
				if ev.Kind == k {
					return ev
				}
			}
		case <-timeout:
			t.Fatalf("no %v event within 30 s", kinds)
		}
	}
}

// nextEnd returns sub's next event that ends a transfer.
func nextEnd(t *testing.T, sub *transfer.Subscription) transfer.Event {
	t.Helper()
	return nextEvent(t, sub, transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled)
}

// Not parallel: it looks at every goroutine of the test binary.
func TestStalledDownloadLeavesNetHTTP(t *testing.T) {
	s, sub, _ := runAway(t, DefaultStall)
	const clients = 3
	type client struct {
		c    net.Conn
		br   *bufio.Reader
		resp *http.Response
	}
	var cs []client
	for range clients {
		c, br, resp := stall(t, s)
		cs = append(cs, client{c, br, resp})
	}
	waitAway(t, s, clients, clients)

	// No goroutine holds them: not a handler, not net/http's connection.
	stacks := allStacks()
	for _, fn := range []string{"(*Server).ServeHTTP", "net/http.(*conn).serve", "(*conn).waitWritable"} {
		if strings.Contains(stacks, fn) {
			t.Fatalf("a goroutine is still in %s:\n%s", fn, stacks)
		}
	}

	// Read again, each gets the whole file, and then its connection
	// serves the next request.
	for i, cl := range cs {
		var body bigBody
		if got := body.read(cl.resp.Body); got != awaySize || body.bad {
			t.Fatalf("client %d: %d bytes (intact: %v), want %d", i, got, !body.bad, awaySize)
		}
		if code, body := get(t, cl.c, cl.br, getHello); code != 200 || body != "hello\n" {
			t.Fatalf("client %d: next request on the connection: %d %q", i, code, body)
		}
	}
	whole, finished := 0, 0
	for logs, ends := 0, 0; logs < 2*clients || ends < clients; { // logs: with the hello.txt ones
		switch ev := nextEvent(t, sub, transfer.EventLog, transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled); ev.Kind {
		case transfer.EventLog:
			logs++
			if l := ev.Log; l.URI == "/big.bin" && l.Status == 200 && l.Bytes == awaySize {
				whole++
			}
		case transfer.EventFinished:
			finished++
			ends++
		default:
			ends++
		}
	}
	if whole != clients || finished != clients {
		t.Fatalf("%d log lines of /big.bin sent whole and %d transfers finished, want %d each", whole, finished, clients)
	}
	waitAway(t, s, 0, 0)
	waitParked(t, s, clients) // kept alive, and quiet again
}

// A body cancelled, or stalled past the limit, while it waits ends as it
// would inside net/http: cut short, its transfer marked so.
func TestAwayDownloadEnds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		stall time.Duration
		end   func(*Server)
		want  transfer.EventKind
		err   string
	}{
		{"cancelled", DefaultStall, func(s *Server) {
			for _, x := range s.tracker.Snapshot().Transfers {
				s.tracker.Cancel(x.ID)
			}
		}, transfer.EventCancelled, ""},
		{"stalled", 3 * awayAfter, func(*Server) {}, transfer.EventFailed, errStalled.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, sub, _ := runAway(t, tc.stall)
			_, _, resp := stall(t, s)
			waitAway(t, s, 1, 1)
			tc.end(s)
			if ev := nextEnd(t, sub); ev.Kind != tc.want || ev.Transfer.Err != tc.err {
				t.Fatalf("transfer ended %v (%q), want %v (%q)", ev.Kind, ev.Transfer.Err, tc.want, tc.err)
			}
			if got := new(bigBody).read(resp.Body); got >= awaySize {
				t.Fatalf("the client got all %d bytes", got)
			}
			waitAway(t, s, 0, 0)
		})
	}
}

// Paused while away, a download sends nothing more until the resume, and
// is no stall however long the pause; a client that hangs up meanwhile is
// let go.
func TestAwayDownloadPaused(t *testing.T) {
	t.Parallel()
	const limit = 2 * awayAfter
	s, sub, _ := runAway(t, limit)
	c, _, resp := stall(t, s)
	gone, _, _ := stall(t, s)
	waitAway(t, s, 2, 2)
	s.tracker.Pause()

	// The client reads what the socket buffers held, then nothing comes:
	// reading stops at the deadline, well past the stall limit.
	c.SetReadDeadline(time.Now().Add(2 * limit))
	var body bigBody
	if read := body.read(resp.Body); read >= awaySize {
		t.Fatalf("paused download sent all %d bytes", read)
	}
	gone.Close()
	waitAway(t, s, 1, 0) // the one that hung up is let go

	c.SetReadDeadline(time.Time{})
	s.tracker.Resume()
	// What the pause held back comes now, without a byte lost or repeated.
	if got := body.read(resp.Body); got != awaySize || body.bad {
		t.Fatalf("after the resume the client has %d bytes (intact: %v), want %d", got, !body.bad, awaySize)
	}
	ends := map[transfer.EventKind]int{}
	for range 2 {
		ends[nextEnd(t, sub).Kind]++
	}
	if ends[transfer.EventFinished] != 1 || ends[transfer.EventFailed] != 1 {
		t.Fatalf("transfers ended %v, want one finished and one failed", ends)
	}
	waitAway(t, s, 0, 0)
}

// stopWithin shuts the server down with stop and fails unless Run has
// returned, without error, within d.
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

// At shutdown a body outside net/http gets the grace period, then is cut,
// and Run returns after its log line.
func TestAwayDownloadCutAtShutdown(t *testing.T) {
	t.Parallel()
	s, sub, stop := runAway(t, DefaultStall) // grace: 1 s
	c, _, resp := stall(t, s)
	waitAway(t, s, 1, 1)
	stopWithin(t, stop, 30*time.Second)
	if ev := nextEvent(t, sub, transfer.EventLog); ev.Log.Bytes >= awaySize {
		t.Fatalf("log line %+v: the cut body is logged whole", *ev.Log)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if got := new(bigBody).read(resp.Body); got >= awaySize {
		t.Fatalf("the cut download got all %d bytes", got)
	}
	if _, err := c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the connection stayed open after Run returned")
	}
	waitAway(t, s, 0, 0)
}
