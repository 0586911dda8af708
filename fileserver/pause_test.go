package fileserver_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
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

// TestTransferPorts: two downloads of one file by one client are two
// transfers, each with the port of its own connection, so the live view
// can tell them apart.
func TestTransferPorts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, 16<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, tracker, _ := startServer(t, fileserver.Config{Root: dir})
	tracker.Pause() // the bodies wait at their first chunk: both stay running
	defer tracker.Resume()
	want := map[int]bool{}
	for range 2 {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		want[c.LocalAddr().(*net.TCPAddr).Port] = true
		if _, err := io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	var got []transfer.Snapshot
	testkit.Eventually(t, 10*time.Second, "two running downloads", func() bool {
		got = tracker.Snapshot().Transfers
		return len(got) == 2
	})
	for _, s := range got {
		if !want[s.Port] {
			t.Errorf("transfer %d: port %d, want one of the clients' %v", s.ID, s.Port, want)
		}
	}
	if got[0].Port == got[1].Port {
		t.Errorf("both transfers have port %d", got[0].Port)
	}
}
