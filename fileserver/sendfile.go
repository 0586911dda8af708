package fileserver

import (
	"cmp"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// net/http's ReadFrom takes a 32 KiB copy buffer before it hands a body to
// the connection's sendfile, and holds it while sendfile waits for the
// client: a download whose client reads slowly, or not at all, keeps the
// buffer for as long as it waits. A tracked chunk's sendfile therefore
// stops when the socket is full, and the writer waits for room outside
// net/http's ReadFrom (writer.go, sendChunk).
//
// The calls a download makes each time its socket has room are raw (Go's
// scheduler is not told) where they cannot wait: a poll with no timeout,
// and a sendfile of bytes that are in the page cache. An ordinary call
// made after the process was idle wakes the runtime's monitor thread,
// which then ticks every 20 µs for a millisecond; downloads wake the
// process thousands of times a second, and the ticks, and the threads
// they start, took CPU from the clients. Five 1 GiB downloads on two
// cores: 26,000 context switches and 0.90 of nginx's rate before, 10,800
// and 1.10 after (docs/PROFILE.md). A sendfile that may read from a disk
// stays an ordinary call: a raw one keeps its P, and the goroutines
// queued on it, for as long as the disk takes.

// errSocketFull ends a sendfile run that filled the socket.
var errSocketFull = errors.New("socket full")

// sendfile sends a file chunk as *net.TCPConn's ReadFrom would, until it
// is sent or the socket is full. Anything but a limited file goes to it.
func (c *conn) sendfile(r io.Reader) (int64, error) {
	lr, ok := r.(*io.LimitedReader)
	if !ok {
		return c.TCPConn.ReadFrom(r)
	}
	f, ok := lr.R.(*os.File)
	if !ok {
		return c.TCPConn.ReadFrom(r)
	}
	fraw, err := f.SyscallConn()
	if err != nil {
		return c.TCPConn.ReadFrom(r)
	}
	sraw, err := c.TCPConn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var sent int64
	var werr, serr error // the socket's (closed, deadline), sendfile's
	ferr := fraw.Read(func(file uintptr) bool {
		call := unix.Syscall6
		if cached(file, lr.N) {
			call = unix.RawSyscall6
		}
		// Write checks the write deadline first, and returns as soon as
		// the function does: it never waits.
		werr = sraw.Write(func(sock uintptr) bool {
			for sent < lr.N {
				// Linux's sendfile reads from the file's offset and moves it.
				n, _, errno := call(unix.SYS_SENDFILE, sock, file, 0, uintptr(min(lr.N-sent, 1<<30)), 0, 0)
				if errno == 0 {
					sent += int64(n)
				}
				switch {
				case errno == unix.EINTR:
				case errno == unix.EAGAIN:
					serr = errSocketFull
					return true
				case errno != 0:
					serr = os.NewSyscallError("sendfile", errno)
					return true
				case n == 0:
					return true // the file ended early
				}
			}
			return true
		})
		return true
	})
	lr.N -= sent
	return sent, cmp.Or(werr, serr, ferr)
}

// waitWritable waits until the socket has room, the write deadline passes,
// or the connection closes.
func (c *conn) waitWritable() error {
	raw, err := c.TCPConn.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Write(func(sock uintptr) bool {
		// Asked first, then waited for: the poller only wakes on a change.
		fd := unix.PollFd{Fd: int32(sock), Events: unix.POLLOUT}
		var now unix.Timespec // a zero timeout: ppoll returns at once
		n, _, errno := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fd)), 1, uintptr(unsafe.Pointer(&now)), 0, 0, 0)
		return errno != 0 || n > 0
	})
}

// noCachestat is set once the kernel turned cachestat down: older than
// Linux 6.5, or a seccomp filter that does not know it.
var noCachestat atomic.Bool

// cached reports whether the next n bytes of the file, from its offset,
// are all in the page cache, so that sendfile cannot wait for a disk. Its
// own calls never wait, and are raw.
func cached(file uintptr, n int64) bool {
	if noCachestat.Load() {
		return false
	}
	off, _, errno := unix.RawSyscall(unix.SYS_LSEEK, file, 0, io.SeekCurrent)
	if errno != 0 {
		return false
	}
	r := unix.CachestatRange{Off: uint64(off), Len: uint64(n)}
	var st unix.Cachestat_t
	_, _, errno = unix.RawSyscall6(unix.SYS_CACHESTAT, file, uintptr(unsafe.Pointer(&r)), uintptr(unsafe.Pointer(&st)), 0, 0, 0)
	if errno == unix.ENOSYS || errno == unix.EPERM {
		noCachestat.Store(true)
	}
	page := uint64(os.Getpagesize())
	first, end := r.Off/page, (r.Off+r.Len+page-1)/page
	return errno == 0 && st.Cache == end-first
}
