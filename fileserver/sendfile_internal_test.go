package fileserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A download whose client stops reading waits for room outside net/http's
// ReadFrom, which holds a 32 KiB copy buffer for as long as it runs.
func TestStalledDownloadHoldsNoCopyBuffer(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	f, err := os.Create(filepath.Join(s.cfg.Root, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil { // far more than socket buffers hold
		t.Fatal(err)
	}
	f.Close()

	const clients = 3
	for range clients {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.Contains(line, " 200 ") {
			t.Fatalf("status line %q, %v", line, err)
		}
		// Nothing more is read: the server's sends fill the socket.
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		stacks := allStacks()
		// After awayAfter they leave net/http altogether (away.go).
		_, away := s.awayCounts()
		waiting := strings.Count(stacks, "(*conn).waitWritable") + away
		if waiting == clients {
			if in := strings.Count(stacks, "net/http.(*response).ReadFrom"); in > 0 {
				t.Fatalf("%d goroutines inside net/http's ReadFrom:\n%s", in, stacks)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d stalled downloads wait for room:\n%s", waiting, clients, stacks)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// tcpPair is a connected pair of TCP connections on loopback, the server's
// end wrapped in conn.
func tcpPair(t *testing.T) (*conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return &conn{TCPConn: server.(*net.TCPConn)}, client
}

// The socket-full sendfile on its own: it stops when the socket is full,
// counts what it sent in the reader and the file's offset, waits for room
// only in waitWritable, and reports the deadline and the end of the file.
func TestSendfileStopsWhenSocketFull(t *testing.T) {
	t.Parallel()
	const size = 32 << 20
	want := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, client := tcpPair(t)

	// A write deadline already passed: nothing sent, and it says so.
	c.SetWriteDeadline(time.Now().Add(-time.Second))
	lr := &io.LimitedReader{R: f, N: size + 1} // one byte more than the file
	if n, err := c.sendfile(lr); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past the deadline: sent %d, %v; want 0 and the deadline", n, err)
	}

	// Nobody reads: the socket fills and sendfile returns.
	c.SetWriteDeadline(time.Time{})
	n, err := c.sendfile(lr)
	if !errors.Is(err, errSocketFull) || n <= 0 || n >= size {
		t.Fatalf("into a socket nobody reads: sent %d, %v; want part, and the socket full", n, err)
	}
	if lr.N != size+1-n {
		t.Fatalf("reader left %d after %d sent, want %d", lr.N, n, size+1-n)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != n {
		t.Fatalf("file offset %d after %d sent", off, n)
	}
	c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	if err := c.waitWritable(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("waiting on a full socket nobody reads: %v, want the deadline", err)
	}

	// The client reads: the rest goes out, and the file's end shows as
	// a short count without an error, as from *net.TCPConn's ReadFrom.
	c.SetWriteDeadline(time.Time{})
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(client); got <- b }()
	sent := n
	for {
		if err := c.waitWritable(); err != nil {
			t.Fatal(err)
		}
		n, err := c.sendfile(lr)
		sent += n
		if errors.Is(err, errSocketFull) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if sent != size || lr.N != 1 {
		t.Fatalf("sent %d of %d, reader left %d, want all and 1", sent, size, lr.N)
	}
	c.Close()
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("client got %d bytes, not the file's %d", len(b), size)
	}
}

// cached, which lets sendfile run raw, says yes only when every page of
// the range from the file's offset is in the page cache, as mincore on a
// mapping of the file sees it.
func TestCachedMatchesPageCache(t *testing.T) {
	t.Parallel()
	const size = 4 << 20
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, bytes.Repeat([]byte{7}, size), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	m, err := unix.Mmap(fd, 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	page := os.Getpagesize()
	resident := func(off, n int) bool {
		vec := make([]byte, (n+page-1)/page)
		if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[off])), uintptr(n), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
			t.Fatal(errno)
		}
		for _, v := range vec {
			if v&1 == 0 {
				return false
			}
		}
		return true
	}
	check := func(what string, off, n int, want bool) {
		t.Helper()
		if _, err := f.Seek(int64(off), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		if noCachestat.Load() {
			want = false // the kernel has no cachestat: never raw
		}
		if got := cached(f.Fd(), int64(n)); got != want {
			t.Errorf("%s: cached(%d bytes from %d) = %v, want %v", what, n, off, got, want)
		}
	}

	if _, err := io.Copy(io.Discard, f); err != nil { // read: all in the cache
		t.Fatal(err)
	}
	check("read", 0, size, resident(0, size))
	check("read, from the middle", size/2, size/2, resident(size/2, size/2))
	check("past the end", size/2, size, false)

	// Written back, then dropped: out of the cache, except where the
	// filesystem is memory (tmpfs), where mincore still sees it.
	if err := unix.Fdatasync(fd); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fadvise(fd, size/2, size/2, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	check("first half, kept", 0, size/2, resident(0, size/2))
	check("second half, dropped", size/2, size/2, resident(size/2, size/2))
	check("both halves", 0, size, resident(0, size))
	t.Logf("cachestat available: %v; second half resident after DONTNEED: %v", !noCachestat.Load(), resident(size/2, size/2))
}
