package fileserver_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixedTime is the modification time given to fixture files, so that
// Last-Modified, ETag and the listing's dates are the same on every run.
var fixedTime = time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)

// startServer runs a Server for cfg on 127.0.0.1, on a free port, until the
// test ends. An empty cfg.Root serves a fresh temporary folder; Version
// defaults to "test" and Grace to one second, so a test that leaves a
// connection open does not hold up the others for long. It returns the
// server, its tracker and the base URL ("http://127.0.0.1:port").
func startServer(t testing.TB, cfg fileserver.Config) (*fileserver.Server, *transfer.Tracker, string) {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	cfg.Bind, cfg.Port = "127.0.0.1", 0
	if cfg.Version == "" {
		cfg.Version = "test"
	}
	if cfg.Grace == 0 {
		cfg.Grace = time.Second
	}
	tracker := transfer.New()
	srv, err := fileserver.New(cfg, tracker)
	if err != nil {
		tracker.Close()
		t.Fatalf("New: %v", err)
	}
	if _, err := srv.Listen(); err != nil {
		tracker.Close()
		t.Fatalf("Listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(cfg.Grace + 10*time.Second):
			t.Errorf("Run did not return within %v of cancel", cfg.Grace+10*time.Second)
		}
		tracker.Close()
	})
	return srv, tracker, "http://" + srv.Addr()
}

// waitEvent returns the first event from sub that match accepts, failing
// the test when none comes within timeout.
func waitEvent(t testing.TB, sub *transfer.Subscription, timeout time.Duration, match func(transfer.Event) bool) transfer.Event {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				t.Fatal("subscription closed while waiting for an event")
			}
			if match(ev) {
				return ev
			}
		case <-timer.C:
			t.Fatalf("no matching event within %v", timeout)
		}
	}
}

// ended matches the event that ends a transfer, whatever its outcome.
func ended(ev transfer.Event) bool {
	switch ev.Kind {
	case transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled:
		return true
	}
	return false
}

// writeTree creates files (path relative to dir → content), with the folders
// they need, and gives all of them fixedTime.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pinTimes(t, dir)
}

// pinTimes sets every file and folder under dir to fixedTime.
func pinTimes(t testing.TB, dir string) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.Mode()&os.ModeSymlink != 0 {
			return err
		}
		return os.Chtimes(p, fixedTime, fixedTime)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// patternBlock is what writePattern repeats. Its length is prime, so it
// lines up with no chunk or buffer size: a body that is short, shifted or
// repeated somewhere does not match.
var patternBlock = func() []byte {
	b := make([]byte, 1<<20-3) // 1048573, prime
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}()

// writePattern creates a file of n bytes of patternBlock repeated.
func writePattern(t testing.TB, path string, n int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for left := n; left > 0; {
		m := min(left, int64(len(patternBlock)))
		if _, err := f.Write(patternBlock[:m]); err != nil {
			t.Fatal(err)
		}
		left -= m
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkPattern reads r to the end and reports whether it held exactly the
// n bytes writePattern writes.
func checkPattern(r io.Reader, n int64) (got int64, ok bool, err error) {
	buf := make([]byte, 256<<10)
	ok = true
	for {
		m, rerr := r.Read(buf)
		for p := buf[:m]; len(p) > 0; {
			off := int(got % int64(len(patternBlock)))
			k := min(len(p), len(patternBlock)-off)
			if !bytes.Equal(p[:k], patternBlock[off:off+k]) {
				ok = false
			}
			p, got = p[k:], got+int64(k)
		}
		if rerr == io.EOF {
			return got, ok && got == n, nil
		}
		if rerr != nil {
			return got, false, rerr
		}
	}
}

// httpDo does a request with a client that neither follows redirects nor
// keeps connections between tests, and returns the response with its body
// read.
func httpDo(t testing.TB, method, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	return send(t, method, url, nil, header)
}

// send is httpDo with a request body.
func send(t testing.TB, method, url string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, url, err)
	}
	return resp, b
}

var testClient = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableKeepAlives: true},
}

// rawResponse is the internal tests' own, exported to these through RawResponse.
var rawResponse = fileserver.RawResponse

// readUntilClosed reads c until the server closes it, and fails the test
// when that takes longer than timeout. A reset counts as closed.
func readUntilClosed(t testing.TB, c net.Conn, timeout time.Duration) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(timeout))
	var buf bytes.Buffer
	_, err := io.Copy(&buf, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v (read %d bytes)", timeout, buf.Len())
	}
	return buf.Bytes()
}

// curlPath finds curl, which the tests drive as a real client.
func curlPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is needed for this test and is not installed (`make test` installs it)")
	}
	return p
}

// execOutput runs a command and returns its standard output; its standard
// error goes into the error.
func execOutput(name string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// errorPageLeaks lists what an error page must never show.
func errorPageLeaks(body, root string) []string {
	var leaks []string
	for _, s := range []string{root, filepath.Dir(root), "openat", "no such file", "escapes", "permission denied", "syscall", "errno", "goroutine", "os.", "fs."} {
		if s != "" && s != "." && s != "/" && strings.Contains(body, s) {
			leaks = append(leaks, s)
		}
	}
	return leaks
}
