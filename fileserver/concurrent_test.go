package fileserver_test

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// TestFiveClientsAtOnce is the classic http.server test: five clients start
// downloading one large file together. Each client reads its first bytes and
// then waits until all five have some, so a server that served them one at
// a time would never let the first one finish: every download must have
// bytes before any finishes. All five complete with the right checksum and
// the tracker sees five transfers.
func TestFiveClientsAtOnce(t *testing.T) {
	const clients, size = 5, 128 << 20
	root := t.TempDir()
	path := filepath.Join(root, "big.iso")
	writeRandom(t, path, size)
	want := fileSum(t, path)

	tracker := transfer.New()
	defer tracker.Close()
	sub := tracker.Subscribe()
	defer sub.Close()
	base := runServer(t, fileserver.Config{Root: root, Bind: "127.0.0.1"}, tracker)

	var (
		started  sync.WaitGroup // every client has its first bytes
		firstAt  = make([]time.Time, clients)
		doneAt   = make([]time.Time, clients)
		sums     = make([][]byte, clients)
		errs     = make([]error, clients)
		wg       sync.WaitGroup
		allFirst = make(chan struct{})
	)
	started.Add(clients)
	go func() { started.Wait(); close(allFirst) }()
	for i := range clients {
		wg.Go(func() {
			signalled := false
			defer func() {
				if !signalled {
					started.Done() // never leave the others waiting
				}
			}()
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := client.Get(base + "/big.iso")
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			h := sha256.New()
			if _, err := io.CopyN(h, resp.Body, 64<<10); err != nil {
				errs[i] = err
				return
			}
			firstAt[i] = time.Now()
			signalled = true
			started.Done()
			select {
			case <-allFirst:
			case <-time.After(time.Minute):
				errs[i] = errTimeout
				return
			}
			if _, err := io.Copy(h, resp.Body); err != nil {
				errs[i] = err
				return
			}
			doneAt[i] = time.Now()
			sums[i] = h.Sum(nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		if string(sums[i]) != string(want) {
			t.Errorf("client %d: checksum differs from the file's", i)
		}
	}
	lastFirst, firstDone := firstAt[0], doneAt[0]
	for i := range clients {
		lastFirst = later(lastFirst, firstAt[i])
		if doneAt[i].Before(firstDone) {
			firstDone = doneAt[i]
		}
	}
	if !lastFirst.Before(firstDone) {
		t.Errorf("a download finished (%v) before every client had bytes (%v)", firstDone, lastFirst)
	}

	// The tracker saw five transfers, each finished with every byte.
	seen := map[uint64]bool{}
	finished := 0
	deadline := time.After(30 * time.Second)
	for finished < clients {
		select {
		case ev := <-sub.C:
			switch ev.Kind {
			case transfer.EventStarted:
				seen[ev.Transfer.ID] = true
			case transfer.EventFinished:
				finished++
				if ev.Transfer.Bytes != size {
					t.Errorf("transfer %d finished with %d bytes, want %d", ev.Transfer.ID, ev.Transfer.Bytes, size)
				}
			case transfer.EventFailed, transfer.EventCancelled:
				t.Fatalf("transfer %d ended %s: %s", ev.Transfer.ID, ev.Transfer.State, ev.Transfer.Err)
			}
		case <-deadline:
			t.Fatalf("tracker reported %d finished transfers, want %d", finished, clients)
		}
	}
	if len(seen) != clients {
		t.Errorf("tracker saw %d transfers, want %d", len(seen), clients)
	}
}

type timeoutError struct{}

func (timeoutError) Error() string { return "timed out waiting for the other clients" }

var errTimeout error = timeoutError{}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func fileSum(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

// runServer serves cfg on 127.0.0.1:0 with tracker until the test ends, and
// returns the base URL.
func runServer(t testing.TB, cfg fileserver.Config, tracker *transfer.Tracker) string {
	t.Helper()
	cfg.Bind = "127.0.0.1"
	srv, err := fileserver.New(cfg, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + srv.Addr()
}
