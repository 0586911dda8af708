package fileserver_test

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// TestPauseWhileClientStalled pauses while a chunk is blocked on a client
// that stopped reading, stays paused well past the stall limit, resumes,
// and the download still completes: a paused transfer is never a stalled
// one, even when the pause catches it mid-chunk.
func TestPauseWhileClientStalled(t *testing.T) {
	const size = 64 << 20
	const stall = time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), size)
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Stall: stall})
	sub := tracker.Subscribe()
	defer sub.Close()

	resp, err := http.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var first bytes.Buffer
	if _, err := io.CopyN(&first, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	// The client reads no more: wait until the server's bytes stop moving,
	// i.e. it is blocked inside a chunk on full socket buffers.
	sent := func() int64 {
		for _, s := range tracker.Snapshot().Transfers {
			return s.Bytes
		}
		return -1
	}
	last, since := sent(), time.Now()
	testkit.Eventually(t, 30*time.Second, "the download to stop moving for stall/4", func() bool {
		if b := sent(); b != last {
			last, since = b, time.Now()
		}
		return last > 0 && time.Since(since) > stall/4
	})
	tracker.Pause()
	// Stay paused past several stall limits. This is the scenario's length,
	// not a synchronisation: nothing happens that could be waited on.
	time.Sleep(3 * stall)
	tracker.Resume()

	got, ok, err := checkPattern(io.MultiReader(&first, resp.Body), size)
	if err != nil || !ok {
		t.Fatalf("the client got %d bytes (intact: %v, err: %v), want all %d", got, ok, err, size)
	}
	ev := waitEvent(t, sub, 10*time.Second, ended)
	if ev.Kind != transfer.EventFinished || ev.Transfer.Bytes != size {
		t.Errorf("transfer ended %s with %d bytes, want finished with %d", ev.Transfer.State, ev.Transfer.Bytes, size)
	}
}
