//go:build linux && !portable

package accel

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"shareit/transfer"
)

// A connection waiting for its next request costs net/http a goroutine
// (8 KiB of stack or more) and 4 KiB read and write buffers: about 19 KiB
// each, measured with 10,000 idle keep-alive connections. The listener
// keeps the bare TCP connection in an epoll set instead: about 3 KiB each.
// A new connection waits there from the accept; one net/http has answered
// comes back once it has been quiet for parkAfter (conn tells net/http it
// ended). Its next request is answered there by the quick lane
// (listener.answer) or handed, with the bytes read, to net/http through
// Accept, as if new. The client sees one keep-alive connection throughout.
// Plain HTTP only: a TLS connection's state lives above the TCP connection.
//
// Only a connection with nothing of a request read parks: a client that
// pauses in the middle of its request line or headers stays in net/http,
// under net/http's header timeout, however long it pauses.

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
	l *listener // nil: never parks
	// idle: net/http waits for a request and none of it has been read
	// (ConnState New or Idle, until the first byte).
	idle  atomic.Bool
	state atomic.Int32 // live, leaving, left
	// full is the size of net/http's read buffer, the longest read asked
	// for: a read that long finds the buffer empty, so nothing of the next
	// request is buffered, and leaving loses nothing.
	full int
	// deadline is the read deadline net/http set; mu guards it, as a
	// cancel sets one from another goroutine to cut a blocked read.
	mu       sync.Mutex
	deadline time.Time
	// A connection parked before its first request keeps the header
	// timeout that began when it was accepted: net/http, taking it back as
	// new, would start another. Serve goroutine only.
	fresh    bool      // no request read yet (ConnState New until Active)
	headerBy time.Time // when a woken fresh connection's header is due
}

func (c *conn) Read(p []byte) (int, error) {
	pk := &c.park
	pk.full = max(pk.full, len(p))
	if len(c.pre) > 0 { // what the quick lane read and left to net/http
		pk.idle.Store(false) // a request has begun: it never parks now
		n := copy(p, c.pre)
		if c.pre = c.pre[n:]; len(c.pre) == 0 {
			c.pre = nil // the copy's array goes
		}
		return n, nil
	}
	if pk.l == nil || !pk.idle.Load() {
		return c.TCPConn.Read(p)
	}
	wake := time.Now().Add(parkAfter)
	// Never parked: a connection with part of a request buffered, or
	// without a deadline, or with one due before parking would pay off.
	pk.mu.Lock()
	deadline := pk.deadline
	pk.mu.Unlock()
	if len(p) < pk.full || deadline.IsZero() || deadline.Before(wake) {
		pk.idle.Store(false)
		return c.TCPConn.Read(p)
	}
	c.TCPConn.SetReadDeadline(wake)
	n, err := c.TCPConn.Read(p)
	if n > 0 || err == nil {
		pk.idle.Store(false)
		c.TCPConn.SetReadDeadline(deadline)
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
	pk.mu.Lock()
	pk.deadline = t
	pk.mu.Unlock()
	return t
}

// Close parks a connection that left net/http idle. net/http may close a
// conn twice (Shutdown's sweep of idle connections, then its own goroutine);
// once parked, the conn is no longer the TCP connection's owner.
func (c *conn) Close() error {
	if c.park.state.CompareAndSwap(leaving, left) {
		c.park.mu.Lock()
		deadline := c.park.deadline
		c.park.mu.Unlock()
		var headerBy time.Time
		if c.park.fresh {
			headerBy = deadline
		}
		c.park.l.park(c.TCPConn, deadline, headerBy)
		return nil
	}
	if c.park.state.Load() == left {
		return nil
	}
	return c.TCPConn.Close()
}

// listener wraps accepted TCP connections in conn, and hands parked ones
// back to net/http when they have something to say. Parked connections
// wait in an epoll set of the listener's own (poller), so each costs its
// TCP connection, an entry and a timer: no goroutine.
type listener struct {
	net.Listener
	o        Options
	accepted chan accepted
	done     chan struct{} // closed by Close
	once     sync.Once
	poll     *poller       // the parked connections; nil: parking is off
	ran      chan struct{} // closed when poll's loop has returned
	// The loop's own: what a waking connection sent, the request the
	// quick lane read in it, the answer to it, and the Date header's
	// value, made once a second.
	head, out []byte
	req       Request
	date      []byte
	dateAt    int64 // the second date holds

	mu     sync.Mutex
	parked map[uint64]*parked // by their id in the epoll set; nil once closed
	last   uint64             // the last id given
}

type accepted struct {
	c   net.Conn
	err error
}

// parked is a connection waiting in the epoll set.
// Whoever holds one outside the map (wake, and the quick lane it calls)
// owns the connection: nothing else closes it then, so its fd may be used
// without the net package's guard (RawConn.Control), which costs each call
// a closure on the heap.
type parked struct {
	tc       *net.TCPConn
	fd       int
	id       uint64 // in the epoll set and in parked, for as long as it stays
	headerBy time.Time
	deadline time.Time   // net/http's, or the quick lane's idle timeout
	expiry   *time.Timer // closes it at the deadline
	client   string      // its address, once the quick lane has needed it
	line     transfer.LogLine
}

func newListener(ln net.Listener, o Options) *listener {
	l := &listener{
		Listener: ln,
		o:        o,
		accepted: make(chan accepted),
		done:     make(chan struct{}),
		parked:   map[uint64]*parked{},
		head:     make([]byte, quickMax),
	}
	// When the system refuses an epoll set, connections are never parked.
	if p, err := newPoller(); err == nil {
		l.poll, l.ran = p, make(chan struct{})
		go func() {
			defer close(l.ran)
			p.run(l.wake)
		}()
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
			if l.poll != nil && l.o.Quick != nil && l.o.HeaderTimeout > 0 {
				// It waits for its first request in the set, as a parked
				// connection does for its next, so the quick lane sees it.
				by := time.Now().Add(l.o.HeaderTimeout)
				l.park(tc, by, by)
				continue
			}
			fc := &conn{TCPConn: tc}
			if l.poll != nil {
				fc.park.l = l
			}
			c = fc
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

// Close stops accepting, closes the parked connections and ends the loop
// that watches them.
func (l *listener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
		l.mu.Lock()
		parked := l.parked
		l.parked = nil
		l.mu.Unlock()
		for _, p := range parked {
			p.expiry.Stop()
			p.tc.Close()
		}
		if l.poll != nil {
			// Once the loop has returned, the quick lane starts nothing
			// more: an answer waiting for room was announced to
			// Options.Hold before this returns, so a server that waits for
			// what it holds after closing its listener waits for it.
			l.poll.close()
			<-l.ran
		}
	})
	return err
}

// park keeps tc in the epoll set until its next byte comes, the deadline
// passes, or the listener closes.
func (l *listener) park(tc *net.TCPConn, deadline, headerBy time.Time) {
	raw, err := tc.SyscallConn()
	if err != nil {
		tc.Close()
		return
	}
	// Under the lock, so that Close, which ends the epoll set, comes
	// before or after, never during.
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.parked == nil {
		tc.Close()
		return
	}
	l.last++
	id := l.last
	fd := -1
	raw.Control(func(f uintptr) { fd = int(f) })
	if err := l.poll.add(fd, id, unix.EPOLLIN|unix.EPOLLRDHUP); err != nil {
		tc.Close()
		return
	}
	p := &parked{tc: tc, fd: fd, id: id, headerBy: headerBy, deadline: deadline}
	p.expiry = time.AfterFunc(time.Until(deadline), func() { l.expire(p) })
	l.parked[id] = p
}

// take removes a parked connection from the listener's keeping; nil when
// it is gone already (woken, expired, or closed with the listener).
func (l *listener) take(id uint64) *parked {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.parked[id]
	delete(l.parked, id)
	if p != nil {
		p.expiry.Stop()
	}
	return p
}

// expire closes a parked connection whose deadline has passed. Closing
// takes it out of the epoll set. Its timer may have fired as the
// connection woke and was kept again: then it is not due, and stays.
func (l *listener) expire(p *parked) {
	l.mu.Lock()
	due := l.parked[p.id] == p && !time.Now().Before(p.deadline)
	if due {
		delete(l.parked, p.id)
	}
	l.mu.Unlock()
	if due {
		p.tc.Close()
	}
}

// wake answers what a parked connection sent if the quick lane can, else
// hands the connection back to net/http with what was read; it closes it
// if its client has gone.
func (l *listener) wake(id uint64) {
	p := l.take(id)
	if p == nil {
		return
	}
	// The quick lane takes the request; without it, a peek will do.
	var m int
	var err error
	if l.o.Quick != nil {
		m, err = unix.Read(p.fd, l.head)
	} else {
		m, _, err = unix.Recvfrom(p.fd, l.head[:1], unix.MSG_PEEK|unix.MSG_DONTWAIT)
	}
	switch {
	case err == unix.EAGAIN:
		// Woken with nothing to read: it waits on as it was.
		l.keep(p, p.deadline, p.headerBy)
		return
	case m <= 0:
		// 0 is the client's end; an error, the connection's.
		p.tc.Close()
		return
	}
	var pre []byte
	if l.o.Quick != nil {
		if l.answer(p, l.head[:m]) {
			return
		}
		pre = bytes.Clone(l.head[:m])
	}
	l.poll.del(p.fd)
	c := &conn{TCPConn: p.tc, pre: pre, park: parking{l: l, headerBy: p.headerBy}}
	select {
	case l.accepted <- accepted{c: c}:
	case <-l.done:
		p.tc.Close()
	}
}

// keep puts a connection taken out of the map back in it, under its id,
// until its next request, its deadline, or the listener's close. It is
// still in the set, one-shot and spent: rearm arms it again.
func (l *listener) keep(p *parked, deadline, headerBy time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.parked == nil {
		p.tc.Close()
		return
	}
	if err := l.poll.rearm(p.fd, p.id, unix.EPOLLIN|unix.EPOLLRDHUP); err != nil {
		p.tc.Close()
		return
	}
	p.headerBy, p.deadline = headerBy, deadline
	p.expiry.Reset(time.Until(deadline))
	l.parked[p.id] = p
}

// clientOf is p's client address as log lines show it (IPv4-mapped IPv6
// addresses as IPv4), found once per connection.
func clientOf(p *parked) string {
	if p.client == "" {
		if a, ok := p.tc.RemoteAddr().(*net.TCPAddr); ok {
			p.client = a.AddrPort().Addr().Unmap().String()
		} else {
			p.client = p.tc.RemoteAddr().String()
		}
	}
	return p.client
}
