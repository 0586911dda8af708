package fileserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// TestMain fails the package when a goroutine outlives the tests: every
// server a test starts must stop, every handler return, every tracker
// close, every client connection end. Nothing is ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sparseFile makes a file of size bytes that takes no room on disk: quick
// to make however big, and read as zeros.
func sparseFile(t testing.TB, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	must(t, f.Truncate(size))
}

// serving waits until the server at base answers, so that its goroutines
// run and can be left out of goleak's count.
func serving(t testing.TB, base string) {
	t.Helper()
	httpDo(t, "HEAD", base+"/", nil)
}

// only keeps the log lines for path.
func only(path string, logs []*transfer.LogLine) []*transfer.LogLine {
	var out []*transfer.LogLine
	for _, l := range logs {
		if l.URI == path {
			out = append(out, l)
		}
	}
	return out
}

// collector gathers a subscription's transfer ends and log lines.
type collector struct {
	mu    sync.Mutex
	ends  []transfer.Event
	logs  []*transfer.LogLine
	moved chan struct{} // a ping per event, dropped when nobody waits
}

func collect(t testing.TB, tracker *transfer.Tracker) *collector {
	t.Helper()
	c := &collector{moved: make(chan struct{}, 1)}
	sub := tracker.Subscribe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range sub.C {
			c.mu.Lock()
			switch {
			case ended(ev):
				c.ends = append(c.ends, ev)
			case ev.Kind == transfer.EventLog:
				c.logs = append(c.logs, ev.Log)
			}
			c.mu.Unlock()
			select {
			case c.moved <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		sub.Close()
		<-done
	})
	return c
}

// wait waits until cond holds over what was collected, failing the test
// after timeout.
func (c *collector) wait(t testing.TB, what string, timeout time.Duration, cond func(ends []transfer.Event, logs []*transfer.LogLine) bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ok := cond(c.ends, c.logs)
		n, m := len(c.ends), len(c.logs)
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-c.moved:
		case <-deadline.C:
			t.Fatalf("gave up after %v waiting for %s (%d transfers ended, %d lines logged)", timeout, what, n, m)
		}
	}
}

// TestAbortedDownloads: 300 clients each start a 64 MiB download, take a
// little of it and hang up. Every transfer is marked failed, every request
// is logged once, and no goroutine of theirs is left behind.
func TestAbortedDownloads(t *testing.T) {
	const clients, atOnce = 300, 50
	root := t.TempDir()
	sparseFile(t, filepath.Join(root, "big.bin"), bigFile)
	srv, tracker, base := startServer(t, fileserver.Config{Root: root})
	serving(t, base)
	got := collect(t, tracker)
	// What runs now (the server, the tracker, the collector) stays; the
	// clients' connections and handlers must all be gone at the end.
	running := goleak.IgnoreCurrent()

	var wg sync.WaitGroup
	errs := make(chan error, clients)
	slots := make(chan struct{}, atOnce)
	for i := range clients {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			fmt.Fprintf(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aborter-%d\r\n\r\n", i)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err == nil && resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			if err == nil {
				_, err = io.CopyN(io.Discard, resp.Body, 64<<10)
			}
			if err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got.wait(t, "every download to end and be logged", 60*time.Second, func(ends []transfer.Event, logs []*transfer.LogLine) bool {
		return len(ends) >= clients && len(only("/big.bin", logs)) >= clients
	})
	got.mu.Lock()
	ends, logs := slices.Clone(got.ends), only("/big.bin", got.logs)
	got.mu.Unlock()
	if len(ends) != clients || len(logs) != clients {
		t.Errorf("got %d transfers ended and %d lines logged, want %d of each", len(ends), len(logs), clients)
	}
	for _, ev := range ends {
		if ev.Kind != transfer.EventFailed || ev.Transfer.Bytes >= bigFile || ev.Transfer.Err == "" {
			t.Errorf("%s: ended %s after %d of %d bytes (%q), want failed, short, with a reason",
				ev.Transfer.UserAgent, ev.Transfer.State, ev.Transfer.Bytes, int64(bigFile), ev.Transfer.Err)
		}
	}
	agents := map[string]int{}
	for _, l := range logs {
		agents[l.UserAgent]++
		if l.Status != 200 || l.Bytes >= bigFile {
			t.Errorf("log line %s: want status 200 and fewer than %d bytes", l, int64(bigFile))
		}
	}
	if len(agents) != clients {
		t.Errorf("log lines came from %d clients, want one from each of %d", len(agents), clients)
	}
	if n := len(tracker.Snapshot().Transfers); n != 0 {
		t.Errorf("%d transfers still active, want none", n)
	}
	goleak.VerifyNone(t, running)
}

// TestDisconnectWhilePaused: a client that hangs up while transfers are
// paused ends its transfer (failed or cancelled, never finished) and its
// handler returns — while still paused, not only once resumed.
func TestDisconnectWhilePaused(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"small.txt": "small\n"})
	sparseFile(t, filepath.Join(root, "big.bin"), bigFile)
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Stall: time.Second})
	serving(t, base)
	got := collect(t, tracker)
	running := goleak.IgnoreCurrent()

	tests := []struct {
		name string
		// start sends the request on c and returns once the server holds
		// it paused; tracked says whether it shows as a transfer.
		start   func(t *testing.T, c net.Conn)
		path    string
		tracked bool
	}{
		{"download paused mid-way", func(t *testing.T, c net.Conn) {
			fmt.Fprint(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			must(t, err)
			_, err = io.CopyN(io.Discard, resp.Body, 1<<20)
			must(t, err)
			tracker.Pause()
		}, "/big.bin", true},
		{"download asked for while paused", func(t *testing.T, c net.Conn) {
			tracker.Pause()
			fmt.Fprint(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			testkit.Eventually(t, 10*time.Second, "the download to be tracked", func() bool { return len(tracker.Snapshot().Transfers) == 1 })
		}, "/big.bin", true},
		{"small file asked for while paused", func(t *testing.T, c net.Conn) {
			tracker.Pause()
			fmt.Fprint(c, "GET /small.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		}, "/small.txt", false},
		{"upload paused mid-way", func(t *testing.T, c net.Conn) {
			// The server takes in all that was sent before the client
			// hangs up: a hang-up queued behind unread bytes cannot be
			// seen without reading them, and a paused upload reads nothing.
			received := func(n int64) func() bool {
				return func() bool {
					ts := tracker.Snapshot().Transfers
					return len(ts) == 1 && ts[0].Bytes == n
				}
			}
			fmt.Fprintf(c, "PUT /up.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", 64<<20)
			c.Write(make([]byte, 100<<10))
			testkit.Eventually(t, 10*time.Second, "100 KiB of the upload to be taken in", received(100<<10))
			tracker.Pause()
			c.Write(make([]byte, 10<<10)) // taken in, and then the upload waits
			testkit.Eventually(t, 10*time.Second, "110 KiB of the upload to be taken in", received(110<<10))
		}, "/up.bin", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tracker.Resume()
			got.mu.Lock()
			ends0, logs0 := len(got.ends), len(got.logs)
			got.mu.Unlock()
			c, err := net.Dial("tcp", srv.Addr())
			must(t, err)
			c.SetDeadline(time.Now().Add(30 * time.Second))
			tc.start(t, c)
			c.Close()
			// Still paused: the request must end now, not at resume.
			got.wait(t, "the request to be logged while paused", 30*time.Second, func(ends []transfer.Event, logs []*transfer.LogLine) bool {
				return len(only(tc.path, logs[logs0:])) > 0 && (!tc.tracked || len(ends) > ends0)
			})
			if !tracker.Paused() {
				t.Fatal("no longer paused")
			}
			got.mu.Lock()
			defer got.mu.Unlock()
			if n := len(only(tc.path, got.logs[logs0:])); n != 1 {
				t.Errorf("logged %d lines for %s, want one", n, tc.path)
			}
			if tc.tracked {
				if ev := got.ends[ends0]; ev.Kind == transfer.EventFinished || ev.Transfer.Complete {
					t.Errorf("transfer ended %s (complete %v), want failed or cancelled", ev.Transfer.State, ev.Transfer.Complete)
				}
			}
		})
	}
	if n := len(tracker.Snapshot().Transfers); n != 0 {
		t.Errorf("%d transfers still active, want none", n)
	}
	// The cut upload left nothing behind, not even its temporary file.
	names, err := os.ReadDir(root)
	must(t, err)
	if len(names) != 2 || names[0].Name() != "big.bin" || names[1].Name() != "small.txt" {
		t.Errorf("the folder holds %v, want only big.bin and small.txt", names)
	}
	goleak.VerifyNone(t, running)
}
