package transfer_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// TestServerNeverWaitsForSubscriber runs 100 real downloads through a real
// fileserver while a subscriber reads nothing: every download completes,
// and only then does the subscriber read every event.
func TestServerNeverWaitsForSubscriber(t *testing.T) {
	const (
		downloads = 100
		size      = 1<<20 + 12345 // above the tracking threshold
	)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := transfer.New()
	t.Cleanup(tr.Close)   // after runServer's stop: cleanups run last first
	sub := tr.Subscribe() // not read until every download is done
	defer sub.Close()

	srv := runServer(t, dir, tr)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: downloads}}
	defer client.CloseIdleConnections()
	url := "http://" + srv.Addr() + "/big.bin"
	dl, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, downloads)
	for range downloads {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(dl, http.MethodGet, url, nil)
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			switch {
			case err != nil:
				errs <- err
			case resp.StatusCode != http.StatusOK || n != size:
				errs <- fmt.Errorf("got %s with %d bytes, want 200 OK with %d", resp.Status, n, size)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("download: %v", err)
	}
	// A handler ends its part just after the client has the last byte.
	testkit.Eventually(t, waitFor, "no active transfers", func() bool { return len(tr.Snapshot().Transfers) == 0 })
	if c, ok := findClient(tr.Snapshot(), "127.0.0.1"); !ok || c.Bytes != downloads*size {
		t.Errorf("client 127.0.0.1: got %+v, want Bytes %d", c, downloads*size)
	}

	counts := map[transfer.EventKind]int{}
	for counts[transfer.EventFinished] < downloads || counts[transfer.EventLog] < downloads {
		ev := next(t, sub, func(transfer.Event) bool { return true })
		counts[ev.Kind]++
		if ev.Kind == transfer.EventFinished && ev.Transfer.Bytes != size {
			t.Errorf("finished transfer %d: got Bytes %d, want %d", ev.Transfer.ID, ev.Transfer.Bytes, size)
		}
		if ev.Kind == transfer.EventLog && (ev.Log.Status != http.StatusOK || ev.Log.Bytes != size) {
			t.Errorf("log line: got %s, want status 200 and %d bytes", ev.Log, size)
		}
	}
	for kind, want := range map[transfer.EventKind]int{
		transfer.EventStarted: downloads, transfer.EventFinished: downloads, transfer.EventFailed: 0,
		transfer.EventCancelled: 0, transfer.EventLog: downloads,
	} {
		if counts[kind] != want {
			t.Errorf("events of kind %d: got %d, want %d", kind, counts[kind], want)
		}
	}
}

// runServer runs a fileserver for dir on 127.0.0.1, reporting to tr, until
// the test ends.
func runServer(t *testing.T, dir string, tr *transfer.Tracker) *fileserver.Server {
	t.Helper()
	srv, err := fileserver.New(fileserver.Config{Root: dir, Bind: "127.0.0.1", Port: 0}, tr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return srv
}
