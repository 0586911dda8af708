//go:build unix

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"shareit/transfer/testkit"
)

// The signals that stop shareit, SIGTERM and SIGINT, sent while a download
// runs. Unix only: Windows sends no signals to other processes, and a
// refused connection there is not ECONNREFUSED.

// startDownload requests big.bin on a raw connection and reads the first
// MiB of its body, so the download is surely running.
func startDownload(t *testing.T, port int) (*http.Response, net.Conn) {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), waitFor)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(2 * waitFor))
	fmt.Fprintf(c, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != bigSize {
		t.Fatalf("GET /big.bin: got %d with %d bytes, want 200 with %d", resp.StatusCode, resp.ContentLength, bigSize)
	}
	if _, err := io.CopyN(io.Discard, resp.Body, 1<<20); err != nil {
		t.Fatalf("reading the first MiB: %v", err)
	}
	return resp, c
}

// readAll reads r to its end at full speed and counts the bytes.
func readAll(r io.Reader) (int64, error) {
	buf := make([]byte, 4<<20)
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// refused reports whether a new connection to port is refused now.
func refused(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err == nil {
		c.Close() // accepted: close at once, so shutdown need not wait for it
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// TestSignalLetsDownloadFinish: on SIGTERM or SIGINT shareit stops
// accepting connections, lets a running download finish and exits 0, with
// the download's log line written.
func TestSignalLetsDownloadFinish(t *testing.T) {
	dir := bigDir(t)
	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			p := start(t, "", "-b", "127.0.0.1", "-p", "0", dir)
			port := p.port()
			resp, _ := startDownload(t, port)

			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			testkit.Eventually(t, waitFor, "new connections to be refused", func() bool { return refused(port) })
			if p.exited() {
				t.Fatal("shareit exited with a download running")
			}
			n, err := readAll(resp.Body)
			if err != nil || n != bigSize-1<<20 {
				t.Errorf("rest of the download: got %d bytes, %v, want %d bytes", n, err, bigSize-1<<20)
			}
			if code := p.wait(); code != 0 {
				t.Errorf("exit code: got %d, want 0", code)
			}
			re := regexp.MustCompile(`^127\.0\.0\.1 - - \[[^\]]+\] "GET /big\.bin HTTP/1\.1" 200 ` +
				strconv.Itoa(bigSize) + ` "-" "slow" \d+\.\d{3}s$`)
			if !slicesContainMatch(p.output(), re) {
				t.Errorf("no log line matching %s", re)
			}
		})
	}
}

// TestSignalGraceEnds: a download still running when the grace period
// (about 5 s) ends is cut; shareit exits 0 and logs it as it ended.
func TestSignalGraceEnds(t *testing.T) {
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", bigDir(t))
	port := p.port()
	resp, _ := startDownload(t, port)
	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The client reads nothing more, so shareit must give up on it.
	if code := p.wait(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if took := time.Since(signalled); took < 4*time.Second {
		t.Errorf("shareit exited %v after the signal, want it to wait about 5 s for the download", took)
	}
	if n, _ := readAll(resp.Body); n >= bigSize-1<<20 {
		t.Errorf("download: got all %d bytes, want it cut", n)
	}
	re := regexp.MustCompile(`^127\.0\.0\.1 - - \[[^\]]+\] "GET /big\.bin HTTP/1\.1" 200 \d+ "-" "slow" \d+\.\d{3}s$`)
	if !slicesContainMatch(p.output(), re) {
		t.Errorf("no log line for the cut download matching %s", re)
	}
}
