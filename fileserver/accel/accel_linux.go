//go:build linux && !portable

package accel

import (
	"cmp"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Enabled reports whether the speed-ups are compiled in.
const Enabled = true

// Listener wraps ln so that the TCP connections it accepts send files with
// sendfile calls the Go scheduler is not told about, where they cannot
// wait, and wait for their requests outside net/http (parking, and the
// quick lane when o.Quick is set).
//
// Why raw calls: an ordinary system call made after the process was idle
// wakes the runtime's monitor thread (sysmon), which then ticks every 20 µs
// for a millisecond. A download wakes the process each time its socket has
// room, thousands of times a second, and the ticks, and the threads they
// start, took CPU from the clients on a 2-core machine: five 1 GiB
// downloads made 26,000 context switches and ran at 0.90 of nginx's rate
// with ordinary calls, 10,800 and 1.10 with raw ones (docs/PROFILE.md,
// "The monitor's ticks"). A sendfile that may read from a disk stays an
// ordinary call: a raw one keeps its P, and the goroutines queued on it,
// for as long as the disk takes.
func Listener(ln net.Listener, o Options) net.Listener { return newListener(ln, o) }

// ConnState is the http.Server's ConnState hook for the connections
// Listener accepts (others are let be): it tells a connection when
// net/http waits for a request on it, which is when it may park.
func ConnState(c net.Conn, st http.ConnState) {
	fc, ok := c.(*conn)
	if !ok {
		return
	}
	fc.park.idle.Store(st == http.StateNew || st == http.StateIdle)
	switch st {
	case http.StateNew:
		fc.park.fresh = true
	case http.StateActive:
		fc.park.fresh, fc.park.headerBy = false, time.Time{}
	}
}

// Parked is how many connections ln, made by Listener, holds outside
// net/http now.
func Parked(ln net.Listener) int {
	l, ok := ln.(*listener)
	if !ok {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.parked)
}

// conn is an accepted connection whose ReadFrom sends a limited file with
// raw sendfile calls when the bytes are in the page cache, and which
// leaves net/http for the listener's epoll set when it has waited
// parkAfter for a request.
type conn struct {
	*net.TCPConn
	park parking
	pre  []byte // read by the quick lane before net/http, handed back first
}

// NetConn is the TCP connection underneath, as tls.Conn names its own.
func (c *conn) NetConn() net.Conn { return c.TCPConn }

// ReadFrom sends r as *net.TCPConn's ReadFrom would: r is an
// *io.LimitedReader around an *os.File when it comes from a file body
// (net/http passes on what its caller gave, one level deep), and anything
// else goes to *net.TCPConn. It returns when the range is sent, the file
// ends, the write deadline passes or the connection fails.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	lr, ok := r.(*io.LimitedReader)
	if !ok {
		return c.TCPConn.ReadFrom(r)
	}
	f, ok := lr.R.(*os.File)
	if !ok {
		return c.TCPConn.ReadFrom(r)
	}
	var n int64
	for lr.N > 0 {
		m, full, err := c.sendfile(f, lr)
		n += m
		if err != nil || !full {
			return n, err
		}
		if err := c.waitWritable(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// sendfile sends from f's offset until lr.N bytes are sent, the file ends
// or the socket is full (full). lr.N is kept up to date.
func (c *conn) sendfile(f *os.File, lr *io.LimitedReader) (sent int64, full bool, err error) {
	fraw, err := f.SyscallConn()
	if err != nil {
		return 0, false, err
	}
	sraw, err := c.TCPConn.SyscallConn()
	if err != nil {
		return 0, false, err
	}
	var werr, serr error // the socket's (closed, deadline), sendfile's
	ferr := fraw.Read(func(file uintptr) bool {
		call := unix.Syscall6
		if cached(file, lr.N) {
			call = unix.RawSyscall6
		}
		// Write checks the write deadline first and returns as soon as the
		// function does: it never waits.
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
					full = true
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
	return sent, full, cmp.Or(werr, serr, ferr)
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
// Linux 6.5, or a seccomp filter that does not know it. It is a fact about
// the kernel, the same for every listener.
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
