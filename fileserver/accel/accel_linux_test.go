//go:build linux && !portable

package accel

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// tcpPair is a connected pair of TCP connections on loopback, the server's
// end accepted through Listener.
func tcpPair(t *testing.T) (*conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wl := Listener(ln, Options{})
	defer wl.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err := wl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	c, ok := server.(*conn)
	if !ok {
		t.Fatalf("Listener accepted a %T, want *conn", server)
	}
	return c, client
}

// writeFile writes a 32 MiB file of a known pattern and opens it.
func writeFile(t *testing.T) (*os.File, []byte) {
	t.Helper()
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
	t.Cleanup(func() { f.Close() })
	return f, want
}

// ReadFrom sends a limited file as *net.TCPConn's would: all of it, into a
// socket that fills again and again while the client reads slowly; the
// reader's N and the file's offset count what was sent, and a file that
// ends early shows as a short count without an error.
func TestReadFromSendsFile(t *testing.T) {
	t.Parallel()
	f, want := writeFile(t)
	size := int64(len(want))
	c, client := tcpPair(t)
	got := make(chan []byte)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 64<<10)
		for {
			n, err := client.Read(buf) // small reads: the socket fills often
			b.Write(buf[:n])
			if err != nil {
				got <- b.Bytes()
				return
			}
		}
	}()
	lr := &io.LimitedReader{R: f, N: size + 1} // one byte more than the file
	n, err := c.ReadFrom(lr)
	if err != nil || n != size || lr.N != 1 {
		t.Fatalf("ReadFrom: sent %d, %v, reader left %d; want %d, no error, 1", n, err, lr.N, size)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != size {
		t.Fatalf("file offset %d after %d sent", off, size)
	}
	c.Close()
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("client got %d bytes, not the file's %d", len(b), size)
	}
}

// A client that stops reading: ReadFrom fills the socket, waits for room
// until the write deadline, and says so; what it sent is counted.
func TestReadFromKeepsDeadline(t *testing.T) {
	t.Parallel()
	f, want := writeFile(t)
	c, _ := tcpPair(t)

	c.SetWriteDeadline(time.Now().Add(-time.Second))
	lr := &io.LimitedReader{R: f, N: int64(len(want))}
	if n, err := c.ReadFrom(lr); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past the deadline: sent %d, %v; want 0 and the deadline", n, err)
	}
	c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.ReadFrom(lr)
	if !errors.Is(err, os.ErrDeadlineExceeded) || n <= 0 || n >= int64(len(want)) {
		t.Fatalf("into a socket nobody reads: sent %d, %v; want part, then the deadline", n, err)
	}
	if lr.N != int64(len(want))-n {
		t.Fatalf("reader left %d after %d sent, want %d", lr.N, n, int64(len(want))-n)
	}
}

// Anything but a limited file goes to *net.TCPConn's own ReadFrom.
func TestReadFromOtherReaders(t *testing.T) {
	t.Parallel()
	c, client := tcpPair(t)
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(client); got <- b }()
	if n, err := c.ReadFrom(bytes.NewReader([]byte("hello"))); n != 5 || err != nil {
		t.Fatalf("ReadFrom(bytes.Reader): %d, %v; want 5, nil", n, err)
	}
	c.Close()
	if b := <-got; string(b) != "hello" {
		t.Fatalf("client got %q, want hello", b)
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
