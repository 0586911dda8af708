package fileserver

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A connection waiting for its next request costs net/http a goroutine
// (8 KiB of stack or more) and 4 KiB read and write buffers: about 19 KiB
// each, measured with 10,000 idle keep-alive connections. Once one has been
// quiet for parkAfter, conn tells net/http it ended, and the listener keeps
// the bare TCP connection with one small goroutine waiting for its next byte;
// that byte hands it back to net/http through Accept, as if new. The client
// sees one keep-alive connection throughout. Plain HTTP only: a TLS
// connection's state lives above the TCP connection.

// parkAfter is how long a connection waits for a request inside net/http.
// Busy clients never wait that long, so they never pay for the hand-back.
const parkAfter = time.Second

// Parking states of one conn, which is one stay in net/http.
const (
	live    = iota
	leaving // the idle read ended with EOF; the Close that follows parks
	left    // parked: the TCP connection belongs to the listener now
)

// parking is a conn's part in this.
type parking struct {
	l     *listener
	idle  atomic.Bool  // net/http waits for a request (ConnState New or Idle)
	state atomic.Int32 // live, leaving, left
	// full is the size of net/http's read buffer: a read that long finds
	// it empty, so no part of the next request would be lost by leaving.
	full     int
	deadline time.Time // the read deadline net/http set
	// A connection parked before its first request keeps the header
	// timeout that began when it was accepted: net/http, taking it back as
	// new, would start another. Serve goroutine only.
	fresh    bool      // no request read yet (ConnState New until Active)
	headerBy time.Time // when a woken fresh connection's header is due
}

// connState tells a conn when net/http is waiting for a request on it.
func connState(c net.Conn, st http.ConnState) {
	if fc, ok := c.(*conn); ok {
		fc.park.idle.Store(st == http.StateNew || st == http.StateIdle)
		switch st {
		case http.StateNew:
			fc.park.fresh = true
		case http.StateActive:
			fc.park.fresh, fc.park.headerBy = false, time.Time{}
		}
	}
}

func (c *conn) read(p []byte) (int, error) {
	pk := &c.park
	if pk.l == nil || !pk.idle.Load() {
		return c.TCPConn.Read(p)
	}
	if pk.full == 0 {
		pk.full = len(p) // the first read of a connection fills an empty buffer
	}
	wake := time.Now().Add(parkAfter)
	if len(p) < pk.full || (!pk.deadline.IsZero() && pk.deadline.Before(wake)) {
		pk.idle.Store(false)
		return c.TCPConn.Read(p)
	}
	c.TCPConn.SetReadDeadline(wake)
	n, err := c.TCPConn.Read(p)
	if n > 0 || err == nil {
		pk.idle.Store(false)
		c.TCPConn.SetReadDeadline(pk.deadline)
		return n, err
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && pk.state.CompareAndSwap(live, leaving) {
		return 0, io.EOF
	}
	return n, err
}

// SetReadDeadline and SetDeadline note the deadline net/http sets, which a
// parked connection keeps: the idle timeout, or the header timeout of a
// connection that has sent nothing yet.
func (c *conn) SetReadDeadline(t time.Time) error {
	return c.TCPConn.SetReadDeadline(c.park.note(t))
}

func (c *conn) SetDeadline(t time.Time) error {
	return c.TCPConn.SetDeadline(c.park.note(t))
}

// note records a read deadline, brought forward to headerBy if that is
// sooner. Zero (none, as for a request body) is left alone.
func (pk *parking) note(t time.Time) time.Time {
	if !t.IsZero() && !pk.headerBy.IsZero() && t.After(pk.headerBy) {
		t = pk.headerBy
	}
	pk.deadline = t
	return t
}

// Close parks a connection that left net/http idle. net/http may close a
// conn twice (Shutdown's sweep of idle connections, then its own goroutine);
// once parked, the conn is no longer the TCP connection's owner.
func (c *conn) Close() error {
	if c.park.state.CompareAndSwap(leaving, left) {
		var headerBy time.Time
		if c.park.fresh {
			headerBy = c.park.deadline
		}
		c.park.l.park(c.TCPConn, c.park.deadline, c.park.full, headerBy)
		return nil
	}
	if c.park.state.Load() == left {
		return nil
	}
	return c.TCPConn.Close()
}

// listener wraps accepted TCP connections in conn, and hands parked ones
// back to net/http when they have something to say.
type listener struct {
	net.Listener
	accepted chan accepted
	done     chan struct{} // closed by Close
	once     sync.Once

	mu     sync.Mutex
	parked map[*net.TCPConn]struct{} // nil once closed
}

type accepted struct {
	c   net.Conn
	err error
}

func newListener(ln net.Listener) *listener {
	l := &listener{
		Listener: ln,
		accepted: make(chan accepted),
		done:     make(chan struct{}),
		parked:   map[*net.TCPConn]struct{}{},
	}
	go l.acceptLoop()
	return l
}

// acceptLoop passes the TCP listener's connections, and its errors, on to
// Accept. net/http backs off after an error such as EMFILE before it calls
// Accept again, and this loop waits for that call.
func (l *listener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if tc, ok := c.(*net.TCPConn); ok {
			c = &conn{TCPConn: tc, park: parking{l: l}}
		}
		select {
		case l.accepted <- accepted{c, err}:
		case <-l.done:
			if c != nil {
				c.Close()
			}
			return
		}
		if errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case a := <-l.accepted:
		return a.c, a.err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes the parked connections.
func (l *listener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
		l.mu.Lock()
		parked := l.parked
		l.parked = nil
		l.mu.Unlock()
		for tc := range parked {
			tc.Close()
		}
	})
	return err
}

// park keeps tc until its next byte comes, the deadline passes, or the
// listener closes.
func (l *listener) park(tc *net.TCPConn, deadline time.Time, full int, headerBy time.Time) {
	l.mu.Lock()
	if l.parked == nil {
		l.mu.Unlock()
		tc.Close()
		return
	}
	l.parked[tc] = struct{}{}
	l.mu.Unlock()
	go l.wait(tc, deadline, full, headerBy)
}

// wait waits, without reading, for tc's next byte: net/http reads it.
func (l *listener) wait(tc *net.TCPConn, deadline time.Time, full int, headerBy time.Time) {
	tc.SetReadDeadline(deadline)
	ready := false
	if raw, err := tc.SyscallConn(); err == nil {
		peek := make([]byte, 1)
		raw.Read(func(fd uintptr) bool {
			n, _, err := unix.Recvfrom(int(fd), peek, unix.MSG_PEEK)
			if err == unix.EAGAIN || err == unix.EINTR {
				return false // wait for more, until the deadline
			}
			ready = n > 0 // 0 is the client's end; an error, the connection's
			return true
		})
	}
	l.mu.Lock()
	_, mine := l.parked[tc] // not when Close took it
	delete(l.parked, tc)
	l.mu.Unlock()
	if !ready || !mine {
		tc.Close()
		return
	}
	c := &conn{TCPConn: tc, park: parking{l: l, full: full, headerBy: headerBy}}
	select {
	case l.accepted <- accepted{c: c}:
	case <-l.done:
		tc.Close()
	}
}
