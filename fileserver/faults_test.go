package fileserver_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// Faults of the machine, not of clients: the shared folder or a file
// changing under the server, a full disk, quitting at a bad moment.

// TestServedFolderGone: when the shared folder is removed the server stays
// up and answers 404 pages that say nothing of its insides; when it is
// renamed, it goes on serving it (the server holds the folder, not its
// name). Either way SetRoot — the live view's `d` — points it elsewhere.
func TestServedFolderGone(t *testing.T) {
	tests := []struct {
		name   string
		do     func(root string) error
		status int // for every path below, after do
	}{
		{"removed", os.RemoveAll, 404},
		{"renamed", func(root string) error { return os.Rename(root, root+"-moved") }, 200},
	}
	paths := []string{"/", "/a.txt", "/sub/", "/sub/b.txt", "/?json", "/?zip", "/sub/?tgz"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := filepath.Join(t.TempDir(), "share")
			writeTree(t, root, map[string]string{"a.txt": "A\n", "sub/b.txt": "B\n"})
			other := t.TempDir()
			writeTree(t, other, map[string]string{"c.txt": "C\n"})
			srv, _, base := startServer(t, fileserver.Config{Root: root})
			for _, p := range paths { // listings and files get cached too
				if resp, _ := httpDo(t, "GET", base+p, nil); resp.StatusCode != 200 {
					t.Fatalf("GET %s before: got %d, want 200", p, resp.StatusCode)
				}
			}
			must(t, tc.do(root))
			for _, p := range paths {
				resp, body := httpDo(t, "GET", base+p, nil)
				if resp.StatusCode != tc.status {
					t.Errorf("GET %s: got %d, want %d", p, resp.StatusCode, tc.status)
				}
				if leaks := errorPageLeaks(string(body), root); resp.StatusCode != 200 && len(leaks) > 0 {
					t.Errorf("GET %s: the %d page shows %q", p, resp.StatusCode, leaks)
				}
			}
			must(t, srv.SetRoot(other))
			if resp, body := httpDo(t, "GET", base+"/c.txt", nil); resp.StatusCode != 200 || string(body) != "C\n" {
				t.Errorf("GET /c.txt after SetRoot: got %d %q, want 200 %q", resp.StatusCode, body, "C\n")
			}
		})
	}
}

// TestFileChangesWhileSent: a file cut short, rewritten in place (as cp
// over it does), appended to, or replaced (renamed over) while a client
// downloads it. The client gets either the file as it was when the
// download started, whole, or a body cut short that it sees fail (fewer
// bytes than Content-Length, connection closed) — never a body of the
// announced length that holds bytes of the new file. The transfer ends
// failed when the body was cut; nothing hangs.
func TestFileChangesWhileSent(t *testing.T) {
	const size = bigFile
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		cut    bool // the download must be cut short
	}{
		{"truncated", func(t *testing.T, path string) { must(t, os.Truncate(path, 8<<20)) }, true},
		{"truncated to nothing", func(t *testing.T, path string) { must(t, os.Truncate(path, 0)) }, true},
		{"rewritten in place, same length", func(t *testing.T, path string) {
			fill(t, path, size) // O_TRUNC, as cp does
		}, true},
		{"appended to, as a log is", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			must(t, err)
			defer f.Close()
			_, err = f.Write(bytes.Repeat([]byte{0xaa}, 1<<20))
			must(t, err)
		}, false},
		{"renamed over", func(t *testing.T, path string) {
			tmp := path + ".new"
			fill(t, tmp, size)
			must(t, os.Rename(tmp, path))
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			path := filepath.Join(root, "big.bin")
			writePattern(t, path, size)
			srv, tracker, _ := startServer(t, fileserver.Config{Root: root})
			sub := tracker.Subscribe()
			defer sub.Close()

			c, resp := startDownload(t, srv.Addr(), "/big.bin")
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			first := make([]byte, 1<<20)
			if _, err := io.ReadFull(resp.Body, first); err != nil {
				t.Fatal(err)
			}
			// The server is now blocked on the full socket buffers, or
			// soon will be: the change lands mid-body either way.
			tc.change(t, path)
			// Checked as it streams: 64 MiB bodies held in memory would
			// slow the collector's pace for every test running beside.
			n, intact, err := checkPattern(io.MultiReader(bytes.NewReader(first), resp.Body), size)
			switch {
			case n == size && err == nil && !intact:
				t.Fatalf("got all %d bytes, but they are not the file as it was: garbage under the old length", size)
			case tc.cut && err == nil:
				t.Fatalf("got %d bytes and a clean end, want the body cut short", n)
			case tc.cut && n >= size:
				t.Fatalf("got %d bytes, want fewer than %d", n, size)
			case !tc.cut && (err != nil || !intact):
				t.Fatalf("got %d bytes (%v, intact %v), want the old file whole", n, err, intact)
			}
			ev := waitEvent(t, sub, 30*time.Second, ended)
			if want := transfer.EventFinished; !tc.cut && ev.Kind != want || tc.cut && ev.Kind != transfer.EventFailed {
				t.Errorf("transfer ended %s (%q) after %d bytes, want failed: %v", ev.Transfer.State, ev.Transfer.Err, ev.Transfer.Bytes, tc.cut)
			}
			t.Logf("client got %d bytes (%v); transfer %s: %q", n, err, ev.Transfer.State, ev.Transfer.Err)
		})
	}
}

// fill writes n bytes of 0xaa to path, truncating it first.
func fill(t *testing.T, path string, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	must(t, err)
	defer f.Close()
	block := bytes.Repeat([]byte{0xaa}, 1<<20)
	for ; n > 0; n -= int64(len(block)) {
		_, err := f.Write(block[:min(n, int64(len(block)))])
		must(t, err)
	}
}

// TestQuitWhilePaused: quitting while transfers are paused — a download
// and an upload whose clients are still there, waiting — does not hang:
// Run returns within the grace period and a margin, and both transfers end
// as failed or cancelled, logged.
func TestQuitWhilePaused(t *testing.T) {
	root := t.TempDir()
	sparseFile(t, filepath.Join(root, "big.bin"), bigFile)
	tracker := transfer.New()
	defer tracker.Close()
	const grace = time.Second
	srv, err := fileserver.New(fileserver.Config{Root: root, Bind: "127.0.0.1", Upload: true, Grace: grace}, tracker)
	must(t, err)
	_, err = srv.Listen()
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	got := collect(t, tracker)

	down, resp := startDownload(t, srv.Addr(), "/big.bin")
	defer down.Close()
	if _, err := io.CopyN(io.Discard, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	up, err := net.Dial("tcp", srv.Addr())
	must(t, err)
	defer up.Close()
	fmt.Fprintf(up, "PUT /up.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", 64<<20)
	// More than the socket buffers hold: the client stays blocked in its
	// write, alive, as a real uploader would.
	go up.Write(make([]byte, 32<<20))
	testkit.Eventually(t, 10*time.Second, "both transfers to have moved bytes", func() bool {
		ts := tracker.Snapshot().Transfers
		return len(ts) == 2 && ts[0].Bytes > 0 && ts[1].Bytes > 0
	})
	tracker.Pause()

	quit := time.Now()
	cancel()
	select {
	case err := <-ran:
		must(t, err)
	case <-time.After(grace + 15*time.Second):
		t.Fatalf("Run has not returned %v after the quit, with transfers paused", time.Since(quit))
	}
	t.Logf("Run returned %v after the quit", time.Since(quit).Round(time.Millisecond))
	got.wait(t, "both transfers to end and be logged", 10*time.Second, func(ends []transfer.Event, logs []*transfer.LogLine) bool {
		return len(ends) == 2 && len(logs) == 2
	})
	got.mu.Lock()
	defer got.mu.Unlock()
	for _, ev := range got.ends {
		if ev.Kind == transfer.EventFinished {
			t.Errorf("%s %s: ended finished after %d bytes, want failed or cancelled", ev.Transfer.Kind, ev.Transfer.Path, ev.Transfer.Bytes)
		}
	}
	if names, _ := os.ReadDir(root); len(names) != 1 {
		t.Errorf("the folder holds %v after the cut upload, want only big.bin", names)
	}
}
