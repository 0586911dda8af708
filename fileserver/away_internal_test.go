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
	"strings"
	"testing"
	"time"

	"shareit/transfer"
)

// A download whose client stops reading leaves net/http after awayAfter
// and waits in an epoll set with no goroutine (away.go); it is taken up
// again when the client reads, and ends as it would have inside net/http.

const awaySize = 64 << 20 // far more than socket buffers hold

// runAway runs a Server with a awaySize file, big.bin, over runParking's
// folder, with the stall limit given, and subscribes to its log lines and
// transfer ends.
func runAway(t *testing.T, stall time.Duration) (*Server, *transfer.Subscription) {
	t.Helper()
	s := runParking(t, nil)
	s.cfg.Stall = stall
	writeBig(t, filepath.Join(s.cfg.Root, "big.bin"))
	sub := s.tracker.Subscribe(transfer.EventLog, transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled)
	t.Cleanup(sub.Close)
	return s, sub
}

// writeBig writes awaySize bytes in which every 8-byte word holds its own
// offset, so that a byte sent twice, or skipped, shows.
func writeBig(t *testing.T, path string) {
	t.Helper()
	b := make([]byte, awaySize)
	for i := 0; i < len(b); i += 8 {
		for k := range 8 {
			b[i+k] = byte(uint64(i) >> (8 * k))
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkBig reads the rest of a body that began at offset 0 and had read
// bytes read already, and reports how many it got in all and whether they
// were the file's.
func checkBig(r io.Reader, read int64) (int64, bool) {
	buf := make([]byte, 1<<20)
	got, ok := read, true
	var word [8]byte
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			word[got%8] = c
			got++
			if got%8 == 0 {
				var v uint64
				for k := range 8 {
					v |= uint64(word[k]) << (8 * k)
				}
				ok = ok && v == uint64(got-8)
			}
		}
		if err != nil {
			return got, ok
		}
	}
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
	s, sub := runAway(t, DefaultStall)
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
		if got, ok := checkBig(cl.resp.Body, 0); got != awaySize || !ok {
			t.Fatalf("client %d: %d bytes (intact: %v), want %d", i, got, ok, awaySize)
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
			s, sub := runAway(t, tc.stall)
			_, _, resp := stall(t, s)
			waitAway(t, s, 1, 1)
			tc.end(s)
			if ev := nextEnd(t, sub); ev.Kind != tc.want || ev.Transfer.Err != tc.err {
				t.Fatalf("transfer ended %v (%q), want %v (%q)", ev.Kind, ev.Transfer.Err, tc.want, tc.err)
			}
			if got, _ := checkBig(resp.Body, 0); got >= awaySize {
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
	s, sub := runAway(t, limit)
	c, _, resp := stall(t, s)
	gone, _, _ := stall(t, s)
	waitAway(t, s, 2, 2)
	s.tracker.Pause()

	// The client reads what the socket buffers held, then nothing comes:
	// reading stops at the deadline, well past the stall limit.
	c.SetReadDeadline(time.Now().Add(2 * limit))
	read, _ := checkBig(resp.Body, 0)
	if read >= awaySize {
		t.Fatalf("paused download sent all %d bytes", read)
	}
	gone.Close()
	waitAway(t, s, 1, 0) // the one that hung up is let go

	c.SetReadDeadline(time.Time{})
	s.tracker.Resume()
	// What was read before the deadline is in read; what the pause held
	// back comes now, without a byte lost or repeated.
	got, ok := checkRest(resp.Body, read)
	if got != awaySize || !ok {
		t.Fatalf("after the resume the client has %d bytes (intact: %v), want %d", got, ok, awaySize)
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

// checkRest goes on with checkBig's check from read bytes in.
func checkRest(r io.Reader, read int64) (int64, bool) {
	// checkBig checks whole words: read is where the first deadline cut the
	// body, so the word it cut is refilled from its start.
	pad := make([]byte, read%8)
	for i := range pad {
		pad[i] = byte(uint64(read-read%8) >> (8 * i))
	}
	return checkBig(io.MultiReader(strings.NewReader(string(pad)), r), read-read%8)
}

// At shutdown a body outside net/http gets the grace period, then is cut,
// and Run returns after its log line.
func TestAwayDownloadCutAtShutdown(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeBig(t, filepath.Join(root, "big.bin"))
	tracker := transfer.New()
	defer tracker.Close()
	sub := tracker.Subscribe(transfer.EventLog)
	defer sub.Close()
	s, err := New(Config{Root: root, Bind: "127.0.0.1", Grace: time.Second}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	c, _, resp := stall(t, s)
	waitAway(t, s, 1, 1)
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return with a body away")
	}
	if ev := nextEvent(t, sub, transfer.EventLog); ev.Log.Bytes >= awaySize {
		t.Fatalf("log line %+v: the cut body is logged whole", *ev.Log)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if got, _ := checkBig(resp.Body, 0); got >= awaySize {
		t.Fatalf("the cut download got all %d bytes", got)
	}
	if _, err := c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the connection stayed open after Run returned")
	}
	waitAway(t, s, 0, 0)
}
