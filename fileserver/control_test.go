package fileserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// notice waits for the access notice of action about client.
func notice(t *testing.T, sub *transfer.Subscription, action, client string) transfer.Event {
	t.Helper()
	return waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
		return ev.Kind == transfer.EventNotice && ev.Action == action && ev.Client == client
	})
}

// startBody begins a GET of url and reads its first bytes: a transfer the
// test can then stop.
func startBody(t *testing.T, url string) *http.Response {
	t.Helper()
	resp, err := testClient.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatalf("first bytes: %v", err)
	}
	return resp
}

// TestBlockKickUnblock: a block stops the client's running download and
// refuses its next requests with a 403 page that names nothing of the
// share, closing the connection; unblock lets it in again; a kick stops a
// download and refuses nothing. Each is logged.
func TestBlockKickUnblock(t *testing.T) {
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), 256<<20)
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Rate: 2_000_000})
	sub := tracker.Subscribe()
	defer sub.Close()
	const me = "127.0.0.1"

	resp := startBody(t, base+"/big.bin")
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
	if err := srv.Block(me); err != nil {
		t.Fatal(err)
	}
	ev := notice(t, sub, transfer.ActionBlock, me)
	if !strings.Contains(ev.Text, "1 transfer stopped") {
		t.Errorf("block notice %q: want it to say a transfer stopped", ev.Text)
	}
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventCancelled })
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Error("the blocked download ended cleanly; want it cut")
	}
	r, body := httpDo(t, "GET", base+"/", nil)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "blocked this device") {
		t.Errorf("blocked: got %d %q, want 403 saying it is blocked", r.StatusCode, body)
	}
	if strings.Contains(string(body), "big.bin") || !r.Close {
		t.Errorf("blocked page: leaks the share or keeps the connection (close %v)", r.Close)
	}
	if got := srv.Blocked(); len(got) != 1 || got[0] != me {
		t.Errorf("Blocked: got %v", got)
	}
	if !srv.Unblock(me) {
		t.Error("Unblock: reports it was not blocked")
	}
	notice(t, sub, transfer.ActionUnblock, me)
	if r, _ := httpDo(t, "GET", base+"/", nil); r.StatusCode != http.StatusOK {
		t.Errorf("unblocked: got %d, want 200", r.StatusCode)
	}
	if got := srv.Blocked(); len(got) != 0 {
		t.Errorf("Blocked after unblock: got %v", got)
	}

	resp = startBody(t, base+"/big.bin")
	if n := srv.Kick(me); n != 1 {
		t.Errorf("Kick: stopped %d transfers, want 1", n)
	}
	notice(t, sub, transfer.ActionKick, me)
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Error("the kicked download ended cleanly; want it cut")
	}
	if r, _ := httpDo(t, "HEAD", base+"/big.bin", nil); r.StatusCode != http.StatusOK {
		t.Errorf("after a kick: got %d, want 200", r.StatusCode)
	}
}

// TestThrottleRunning: a cap of the client's own slows a download that is
// already running, with no global cap, and removing it lets it go.
func TestThrottleRunning(t *testing.T) {
	const bps = 1_000_000
	const window = 2 * time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), 1<<30)
	srv, tracker, base := startServer(t, fileserver.Config{Root: root})
	sub := tracker.Subscribe(transfer.EventNotice)
	defer sub.Close()
	resp := startBody(t, base+"/big.bin")
	srv.Throttle("127.0.0.1", bps)
	notice(t, sub, transfer.ActionThrottle, "127.0.0.1")
	if got := srv.ClientRate("127.0.0.1"); got != bps {
		t.Errorf("ClientRate: got %d, want %d", got, bps)
	}
	// What the socket buffers and the chunk in flight hold arrives fast:
	// drain them, then measure.
	var n atomic.Int64
	buf := make([]byte, 32<<10)
	drain := time.Now().Add(time.Second)
	for time.Now().Before(drain) {
		resp.Body.Read(buf)
	}
	start := time.Now()
	for time.Since(start) < window {
		m, err := resp.Body.Read(buf)
		n.Add(int64(m))
		if err != nil {
			t.Fatalf("reading: %v", err)
		}
	}
	if got, most := n.Load(), capBound(bps, time.Since(start))+4<<20; got > most {
		t.Errorf("throttled: got %d bytes in %v, want at most %d", got, time.Since(start), most)
	}
	srv.Throttle("127.0.0.1", 0)
	if got := srv.ClientRate("127.0.0.1"); got != 0 {
		t.Errorf("ClientRate after removing: got %d, want 0", got)
	}
}
