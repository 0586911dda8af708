//go:build soak

package fileserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// The soak: `make soak` (not part of `make test`) runs TestSoak, which puts
// a server under mixed load for SOAK_DURATION (10m by default) and samples
// its memory, goroutines and open files every few seconds: they must stay
// flat once warmed up. With SOAK_OUT set it writes soak.csv and soak.svg
// there (docs/SOAK.md shows them). Only 127.0.0.1 is ever contacted; every
// loop ends at the deadline.

// soakSample is one sample of the process.
type soakSample struct {
	at         time.Duration // since the start
	goroutines int
	heap       uint64 // live heap, bytes (after a collection)
	rss        uint64 // resident set, bytes
	fds        int    // open file descriptors
	requests   int64  // requests done so far
	active     int    // transfers under way
}

func TestSoak(t *testing.T) {
	duration := 10 * time.Minute
	if s := os.Getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 30*time.Second {
			t.Fatalf("SOAK_DURATION=%q: want a Go duration of at least 30s", s)
		}
		duration = d
	}
	every := 5 * time.Second
	raiseOpenFiles(t, 4096)

	// Two copies of one tree, so that switching between them (the live
	// view's `d`) changes nothing a client checks.
	roots := [2]string{t.TempDir(), t.TempDir()}
	for _, root := range roots {
		files := map[string]string{"sub/a.txt": "a\n", "sub/b.txt": strings.Repeat("b", 100<<10)}
		for i := range 300 {
			files[fmt.Sprintf("many/file-%03d.txt", i)] = strconv.Itoa(i)
		}
		writeTree(t, root, files)
		writePattern(t, filepath.Join(root, "big.bin"), 8<<20)
		must(t, os.Mkdir(filepath.Join(root, "uploads"), 0o755))
	}
	srv, tracker, base := startServer(t, fileserver.Config{Root: roots[0], Upload: true, Stall: 10 * time.Second})
	addr := srv.Addr()

	// A subscriber that writes every log line, as the headless log does.
	sub := tracker.Subscribe()
	logged := make(chan int64)
	go func() {
		w := bufio.NewWriter(io.Discard)
		var n int64
		var line []byte
		for ev := range sub.C {
			if ev.Kind == transfer.EventLog {
				line, _ = ev.Log.AppendText(line[:0])
				w.Write(append(line, '\n'))
				n++
			}
		}
		w.Flush()
		logged <- n
	}()

	ctx, stop := context.WithTimeout(context.Background(), duration)
	defer stop()
	var requests, failures atomic.Int64
	var failMu sync.Mutex
	var failed []string
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 20 {
			failMu.Lock()
			failed = append(failed, fmt.Sprintf(format, args...))
			failMu.Unlock()
		}
	}
	newClient := func() *http.Client {
		return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
	}
	// get does one request and reads the body; it reports the response
	// and body, or records why it failed.
	get := func(c *http.Client, method, path string, h http.Header, body io.Reader) (*http.Response, []byte) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, body)
		if err != nil {
			fail("%s %s: %v", method, path, err)
			return nil, nil
		}
		copyHeader(req.Header, h)
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				fail("%s %s: %v", method, path, err)
			}
			return nil, nil
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			if ctx.Err() == nil { // not cut by the end of the soak
				fail("%s %s: reading: %v", method, path, err)
			}
			return nil, nil
		}
		requests.Add(1)
		return resp, b
	}
	pattern := make([]byte, 0, 8<<20) // what writePattern wrote
	for len(pattern) < 8<<20 {
		pattern = append(pattern, patternBlock[:min(len(patternBlock), 8<<20-len(pattern))]...)
	}

	var wg sync.WaitGroup
	worker := func(n int, loop func(c *http.Client, rng *rand.Rand, i int)) {
		for w := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := newClient()
				defer c.CloseIdleConnections()
				rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
				for i := 0; i < 10_000_000 && ctx.Err() == nil; i++ {
					loop(c, rng, i)
				}
			}()
		}
	}
	// Whole downloads.
	worker(3, func(c *http.Client, _ *rand.Rand, i int) {
		if resp, b := get(c, "GET", "/big.bin", nil, nil); resp != nil && (resp.StatusCode != 200 || (i%8 == 0 && !bytes.Equal(b, pattern)) || len(b) != len(pattern)) {
			fail("GET /big.bin: %d with %d bytes", resp.StatusCode, len(b))
		}
	})
	// Ranges: one, or several at once.
	worker(2, func(c *http.Client, rng *rand.Rand, i int) {
		a := rng.IntN(len(pattern) - 1)
		b := a + rng.IntN(min(len(pattern)-a, 2<<20))
		h := http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", a, b)}}
		if i%5 == 0 {
			h.Set("Range", fmt.Sprintf("bytes=0-99,%d-%d", a, b))
		}
		resp, body := get(c, "GET", "/big.bin", h, nil)
		switch {
		case resp == nil:
		case resp.StatusCode != 206:
			fail("Range %s: status %d", h.Get("Range"), resp.StatusCode)
		case i%5 != 0 && !bytes.Equal(body, pattern[a:b+1]):
			fail("Range %s: %d bytes that are not the range", h.Get("Range"), len(body))
		}
	})
	// Listings: pages in every order, JSON, HEAD, the small files.
	worker(2, func(c *http.Client, rng *rand.Rand, i int) {
		paths := []string{"/many/", "/many/?json", "/many/?sort=size&order=asc", "/many/?sort=modified", "/", "/sub/",
			fmt.Sprintf("/many/file-%03d.txt", rng.IntN(300)), "/missing", "/sub/b.txt"}
		p := paths[i%len(paths)]
		method := "GET"
		if i%7 == 0 {
			method = "HEAD"
		}
		if resp, _ := get(c, method, p, nil, nil); resp != nil && resp.StatusCode != 200 && !(p == "/missing" && resp.StatusCode == 404) {
			fail("%s %s: status %d", method, p, resp.StatusCode)
		}
	})
	// Folder archives.
	worker(1, func(c *http.Client, _ *rand.Rand, i int) {
		p := [...]string{"/sub/?zip", "/sub/?tgz", "/many/?zip"}[i%3]
		if resp, b := get(c, "GET", p, nil, nil); resp != nil && (resp.StatusCode != 200 || len(b) == 0) {
			fail("GET %s: %d with %d bytes", p, resp.StatusCode, len(b))
		}
	})
	// Uploads, removed again so the disk does not fill.
	worker(1, func(c *http.Client, rng *rand.Rand, i int) {
		name := fmt.Sprintf("up-%d-%d.bin", i, rng.Uint32())
		resp, _ := get(c, "PUT", "/uploads/"+name, nil, bytes.NewReader(pattern[:256<<10]))
		if resp != nil && resp.StatusCode != 201 {
			fail("PUT %s: status %d", name, resp.StatusCode)
		}
		for _, root := range roots {
			os.Remove(filepath.Join(root, "uploads", name))
		}
	})
	// Clients that hang up mid-download.
	worker(2, func(_ *http.Client, _ *rand.Rand, i int) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fail("abort %d: %v", i, err)
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprint(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			_, err = io.CopyN(io.Discard, resp.Body, 64<<10)
		}
		if err != nil && ctx.Err() == nil {
			fail("abort %d: %v", i, err)
		}
		requests.Add(1)
	})
	// The folder changes every two seconds; transfers pause now and then.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for i := 1; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if err := srv.SetRoot(roots[i%2]); err != nil {
				fail("SetRoot: %v", err)
			}
			if i%15 == 0 {
				tracker.Pause()
				time.Sleep(500 * time.Millisecond) // the pause's length, part of the load
				tracker.Resume()
			}
		}
	}()

	// Sample until the deadline.
	start := time.Now()
	var samples []soakSample
	take := func() {
		// The live heap: what a collection leaves. Without one, the heap
		// in use swings with the collector's pacing and hides a trend.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fds, _ := os.ReadDir("/proc/self/fd")
		samples = append(samples, soakSample{
			at: time.Since(start), goroutines: runtime.NumGoroutine(), heap: ms.HeapAlloc, rss: rss(t),
			fds: len(fds), requests: requests.Load(), active: len(tracker.Snapshot().Transfers),
		})
	}
	tick := time.NewTicker(every)
	for take(); ctx.Err() == nil; take() {
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	tick.Stop()
	wg.Wait()
	tracker.Resume()
	testkit.Eventually(t, 30*time.Second, "every transfer to end", func() bool { return len(tracker.Snapshot().Transfers) == 0 })
	sub.Close()
	n := <-logged

	t.Logf("%d requests in %v (%.0f/s), %d log lines, %d failures", requests.Load(), duration, float64(requests.Load())/duration.Seconds(), n, failures.Load())
	for _, f := range failed {
		t.Errorf("failure: %s", f)
	}
	report(t, samples, duration)
	if out := os.Getenv("SOAK_OUT"); out != "" {
		writeSoak(t, out, samples)
	}
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// rss is this process's resident set size, from /proc.
func rss(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	must(t, err)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			must(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// report prints the samples every 30 s and checks that each measure of
// the last window is within a small margin of the first window after the
// warm-up.
func report(t *testing.T, samples []soakSample, d time.Duration) {
	t.Logf("%8s %10s %10s %10s %6s %10s %7s", "time", "goroutines", "heap MiB", "RSS MiB", "fds", "requests", "active")
	var last time.Duration = -1
	for _, s := range samples {
		if last >= 0 && s.at-last < 30*time.Second && s != samples[len(samples)-1] {
			continue
		}
		last = s.at
		t.Logf("%8s %10d %10.1f %10.1f %6d %10d %7d", s.at.Round(time.Second), s.goroutines, mib(s.heap), mib(s.rss), s.fds, s.requests, s.active)
	}
	warm := max(30*time.Second, d/10)
	window := min(time.Minute, d/5)
	var first, end []soakSample
	for _, s := range samples {
		if s.at >= d {
			break // taken as the load stopped
		}
		if s.at >= warm && s.at < warm+window {
			first = append(first, s)
		}
		if s.at >= d-window {
			end = append(end, s)
		}
	}
	if len(first) == 0 || len(end) == 0 {
		t.Fatalf("too few samples: %d in the first window, %d in the last", len(first), len(end))
	}
	measures := []struct {
		name   string
		value  func(soakSample) float64
		margin float64 // allowed growth on top of 10%
	}{
		{"goroutines", func(s soakSample) float64 { return float64(s.goroutines) }, 20},
		{"heap MiB", func(s soakSample) float64 { return mib(s.heap) }, 8},
		{"RSS MiB", func(s soakSample) float64 { return mib(s.rss) }, 32},
		{"open files", func(s soakSample) float64 { return float64(s.fds) }, 16},
	}
	for _, m := range measures {
		a, b := mean(first, m.value), mean(end, m.value)
		t.Logf("%-10s first minute after warm-up %8.1f, last minute %8.1f (%+.1f%%)", m.name, a, b, 100*(b-a)/a)
		if b > a*1.10+m.margin {
			t.Errorf("%s grew from %.1f to %.1f: more than 10%% and %.0f", m.name, a, b, m.margin)
		}
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func mean(ss []soakSample, f func(soakSample) float64) float64 {
	var sum float64
	for _, s := range ss {
		sum += f(s)
	}
	return sum / float64(len(ss))
}

// writeSoak writes the samples as soak.csv and a plot, soak.svg, in dir.
func writeSoak(t *testing.T, dir string, samples []soakSample) {
	must(t, os.MkdirAll(dir, 0o755))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"seconds", "goroutines", "heap_bytes", "rss_bytes", "open_files", "requests", "active_transfers"})
	for _, s := range samples {
		w.Write([]string{strconv.FormatFloat(s.at.Seconds(), 'f', 1, 64), strconv.Itoa(s.goroutines), strconv.FormatUint(s.heap, 10),
			strconv.FormatUint(s.rss, 10), strconv.Itoa(s.fds), strconv.FormatInt(s.requests, 10), strconv.Itoa(s.active)})
	}
	w.Flush()
	must(t, os.WriteFile(filepath.Join(dir, "soak.csv"), b.Bytes(), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "soak.svg"), soakSVG(samples), 0o644))
}

// soakSVG plots each measure over time, one panel each, from zero.
func soakSVG(samples []soakSample) []byte {
	const w, panelH, left, pad = 720, 120, 60, 30
	panels := []struct {
		title string
		value func(soakSample) float64
	}{
		{"goroutines", func(s soakSample) float64 { return float64(s.goroutines) }},
		{"live Go heap (MiB)", func(s soakSample) float64 { return mib(s.heap) }},
		{"resident memory (MiB)", func(s soakSample) float64 { return mib(s.rss) }},
		{"open files", func(s soakSample) float64 { return float64(s.fds) }},
	}
	end := samples[len(samples)-1].at.Seconds()
	var b bytes.Buffer
	h := len(panels)*(panelH+pad) + pad
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	for i, p := range panels {
		top := pad + i*(panelH+pad)
		var peak float64
		for _, s := range samples {
			peak = max(peak, p.value(s))
		}
		peak = max(peak*1.15, 1)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", left, top-8, p.title)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", left, top, w-left-10, panelH)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%.0f</text><text x="%d" y="%d" text-anchor="end">0</text>`+"\n",
			left-4, top+10, peak, left-4, top+panelH)
		var pts strings.Builder
		for _, s := range samples {
			x := float64(left) + s.at.Seconds()/end*float64(w-left-10)
			y := float64(top+panelH) - p.value(s)/peak*float64(panelH)
			fmt.Fprintf(&pts, "%.1f,%.1f ", x, y)
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="%s"/>`+"\n", pts.String())
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", w-10, h-8, (time.Duration(end) * time.Second).String())
	fmt.Fprintf(&b, `<text x="%d" y="%d">0 s</text>`+"\n", left, h-8)
	b.WriteString("</svg>\n")
	return b.Bytes()
}
