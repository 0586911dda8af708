package fileserver_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// The rate tests check bounds, not timings: what a client received over a
// window of a few seconds must stay within cap × elapsed × 1.25 + burst
// (the bucket starts full), and a client that must not be slowed reaches
// at least half of its cap.

// capBound is the most a client may receive in elapsed under cap bps.
func capBound(bps int64, elapsed time.Duration) int64 {
	return int64(float64(bps)*elapsed.Seconds()*1.25) + transfer.NewLimiter(bps).Burst()
}

// rateDownload reads url with client until the deadline or the body's end,
// adding to n as bytes arrive.
func rateDownload(client *http.Client, url string, until time.Time, n *atomic.Int64) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := make([]byte, 32<<10)
	for time.Now().Before(until) {
		m, err := resp.Body.Read(buf)
		n.Add(int64(m))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TestRatePerClient: two parallel downloads from one client share its cap;
// a second client downloading at the same time gets a cap of its own.
func TestRatePerClient(t *testing.T) {
	const bps = 1_000_000 // burst 250 KB, a quarter second
	const window = 3 * time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), 32<<20)
	_, _, base := startServer(t, fileserver.Config{Root: root, Rate: bps})

	a, b := clientFrom("127.0.5.1"), clientFrom("127.0.5.2")
	var aBytes [2]atomic.Int64
	var bBytes atomic.Int64
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	start := time.Now()
	until := start.Add(window)
	for i := range aBytes {
		wg.Go(func() { errs <- rateDownload(a, base+"/big.bin", until, &aBytes[i]) })
	}
	wg.Go(func() { errs <- rateDownload(b, base+"/big.bin", until, &bBytes) })
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	bound := capBound(bps, elapsed)
	aTotal := aBytes[0].Load() + aBytes[1].Load()
	t.Logf("in %v: client A %d + %d bytes, client B %d bytes; bound %d", elapsed, aBytes[0].Load(), aBytes[1].Load(), bBytes.Load(), bound)
	if aTotal > bound {
		t.Errorf("client A's two downloads: got %d bytes in %v, want at most %d", aTotal, elapsed, bound)
	}
	for i := range aBytes {
		if aBytes[i].Load() == 0 {
			t.Errorf("client A's download %d got nothing: the cap is shared, not taken by one", i+1)
		}
	}
	if got := bBytes.Load(); got > bound {
		t.Errorf("client B: got %d bytes in %v, want at most %d", got, elapsed, bound)
	}
	// Sharing A's bucket, B would get a third of the cap.
	if got, floor := bBytes.Load(), int64(bps*elapsed.Seconds()/2); got < floor {
		t.Errorf("client B: got %d bytes in %v, want at least %d: slowed by client A's cap", got, elapsed, floor)
	}
}

// TestRateSmallBodies: bodies too small to track — small files, listings,
// JSON — are held to the cap too, however many requests a client makes.
func TestRateSmallBodies(t *testing.T) {
	const bps = 200_000 // burst 50 KB
	const window = 2 * time.Second
	root := t.TempDir()
	files := map[string]string{}
	for i := range 20 {
		files["f"+strconv.Itoa(i)+".txt"] = string(bytes.Repeat([]byte{'x'}, 20<<10))
	}
	writeTree(t, root, files)
	_, _, base := startServer(t, fileserver.Config{Root: root, Rate: bps})
	client := clientFrom("127.0.5.3")
	paths := []string{"/f1.txt", "/", "/f2.txt", "/?json", "/f3.txt"}
	var total int64
	requests := 0
	start := time.Now()
	for time.Since(start) < window {
		resp, err := client.Get(base + paths[requests%len(paths)])
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d, %v", paths[requests%len(paths)], resp.StatusCode, err)
		}
		total += n
		requests++
	}
	elapsed := time.Since(start)
	t.Logf("%d requests, %d bytes in %v", requests, total, elapsed)
	if bound := capBound(bps, elapsed); total > bound {
		t.Errorf("got %d bytes in %d requests in %v, want at most %d", total, requests, elapsed, bound)
	}
}

// TestRatePause: pausing holds a rate-limited download, the client is not
// dropped for it, and resuming finishes it intact.
func TestRatePause(t *testing.T) {
	const bps = 1_000_000
	const size = 3 << 20
	const stall = time.Second
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), size)
	srv, tracker, _ := startServer(t, fileserver.Config{Root: root, Rate: bps, Stall: stall})
	sub := tracker.Subscribe()
	defer sub.Close()

	c, resp := startDownload(t, srv.Addr(), "/big.bin")
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	var received atomic.Int64
	first := make([]byte, 512<<10)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	received.Store(int64(len(first)))
	tracker.Pause()
	type result struct {
		n   int64
		ok  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), countingReader{resp.Body, &received}), size)
		done <- result{n, ok, err}
	}()
	// The chunk under way when Pause came may still arrive; then nothing.
	testkit.Eventually(t, 30*time.Second, "the bytes received to match the tracker's", func() bool {
		ts := tracker.Snapshot().Transfers
		return len(ts) == 1 && ts[0].Bytes == received.Load()
	})
	held := received.Load()
	noEndFor(t, sub, 3*stall)
	if got, burst := received.Load()-held, transfer.NewLimiter(bps).Burst(); got > burst {
		t.Errorf("%d bytes arrived while paused, want at most one chunk (%d)", got, burst)
	}
	tracker.Resume()
	r := <-done
	if !r.ok {
		t.Fatalf("after resume: got %d bytes (%v), want all %d, intact", r.n, r.err, size)
	}
	if ev := waitEvent(t, sub, 10*time.Second, ended); ev.Kind != transfer.EventFinished {
		t.Errorf("transfer ended with event %d (%s %q), want finished", ev.Kind, ev.Transfer.State, ev.Transfer.Err)
	}
}

// TestRateLive: lifting the cap speeds up a download already under way; it
// would need 80 seconds at the first cap.
func TestRateLive(t *testing.T) {
	const size = 8 << 20
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), size)
	srv, _, base := startServer(t, fileserver.Config{Root: root, Rate: 100_000})
	if got := srv.Rate(); got != 100_000 {
		t.Fatalf("Rate: got %d, want 100000", got)
	}
	resp, err := testClient.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	srv.SetRate(0)
	if got := srv.Rate(); got != 0 {
		t.Fatalf("Rate after SetRate(0): got %d, want 0", got)
	}
	done := make(chan error, 1)
	go func() {
		n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), resp.Body), size)
		if err == nil && !ok {
			err = io.ErrUnexpectedEOF
		}
		_ = n
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after lifting the cap: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the download still runs 30s after the cap was lifted")
	}
}

// sendfileRateEnv gives TestSendfileHelper a rate cap, in bytes per second.
const sendfileRateEnv = "SHAREIT_SENDFILE_HELPER_RATE"

func helperRate() int64 {
	n, _ := strconv.ParseInt(os.Getenv(sendfileRateEnv), 10, 64)
	return n
}

// TestRateKeepsSendfile: under a cap the body still leaves through
// sendfile, in calls no larger than the client's burst, and no faster than
// the cap allows. The server runs under strace, as in
// TestSendfileSurvivesTracking.
func TestRateKeepsSendfile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("strace, which counts the sendfile calls, is Linux's")
	}
	const size = 16 << 20
	const bps = 8_000_000 // burst 2 MB
	burst := transfer.NewLimiter(bps).Burst()
	root := t.TempDir()
	writeRandom(t, filepath.Join(root, "big.bin"), size)
	srv := startTraced(t, root, sendfileRateEnv+"="+strconv.Itoa(bps))
	go func() { // the helper's progress lines
		for srv.lines.Scan() {
		}
	}()

	start := time.Now()
	resp, err := http.Get("http://" + srv.addr + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	received, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil || received != size {
		t.Fatalf("client received %d bytes (err %v), want %d", received, err, size)
	}
	calls := srv.stop(t)
	moved, largest := sum(calls), int64(0)
	for _, n := range calls {
		largest = max(largest, n)
	}
	t.Logf("%d sendfile calls moved %d of %d bytes, at most %d at once, in %v", len(calls), moved, size, largest, elapsed)
	if moved < size-512 {
		t.Errorf("sendfile moved %d bytes, want at least %d: the cap lost sendfile", moved, size-512)
	}
	if largest > burst {
		t.Errorf("largest sendfile: %d bytes, want at most the burst %d", largest, burst)
	}
	// The bucket starts full: the rest takes at least (size-burst)/bps.
	if least := time.Duration(float64(size-burst) / bps * 0.9 * float64(time.Second)); elapsed < least {
		t.Errorf("download took %v, want at least %v at %d B/s", elapsed, least, bps)
	}
}

// TestRateUploads: an upload is held to its client's cap too, and two
// uploads from one client share it: together they take at least as long as
// the cap allows.
func TestRateUploads(t *testing.T) {
	const bps = 1_000_000
	const size = 1 << 20
	root := t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Rate: bps, Upload: true})
	client := clientFrom("127.0.5.4")
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	start := time.Now()
	var wg sync.WaitGroup
	codes := make([]int, 2)
	errs := make([]error, 2)
	for i := range codes {
		wg.Go(func() {
			req, err := http.NewRequest("PUT", base+"/up"+strconv.Itoa(i)+".bin", bytes.NewReader(body))
			if err != nil {
				errs[i] = err
				return
			}
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i := range codes {
		if errs[i] != nil || codes[i] != http.StatusCreated {
			t.Fatalf("PUT up%d.bin: got %d, %v; want 201", i, codes[i], errs[i])
		}
		got, err := os.ReadFile(filepath.Join(root, "up"+strconv.Itoa(i)+".bin"))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("up%d.bin: got %d bytes (%v), want the %d sent", i, len(got), err, size)
		}
	}
	// The bucket starts full: the rest takes at least (total-burst)/bps.
	burst := transfer.NewLimiter(bps).Burst()
	least := time.Duration(float64(2*size-burst) / bps * 0.9 * float64(time.Second))
	t.Logf("two uploads of %d bytes took %v; at the cap, at least %v", size, elapsed, least)
	if elapsed < least {
		t.Errorf("two uploads of %d bytes took %v, want at least %v at %d B/s", size, elapsed, least, bps)
	}
}
