package fileserver

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// A download whose client has stopped reading waits for room in its
// socket. Inside net/http that wait holds the handler's goroutine (16 KiB
// of stack), net/http's background read, its 4 KiB read and write buffers
// and the response: about 45 KiB per download, measured with 1,000 stalled
// downloads. So a tracked file body that has waited awayAfter for room
// leaves net/http (a hijack, once its header is out): the connection and
// the file wait in an epoll set (poll.go) with no goroutine, and when the
// client reads again a goroutine takes the body up where it was, with the
// same chunks, pause, cancel, stall deadline and log line. When the body
// ends, the connection goes back to its listener's parked set (park.go),
// so the client keeps its keep-alive connection. Plain HTTP only, as for
// parking; under a rate cap a body waits on the cap, not the client, and
// stays.

// awayAfter is how long a body waits for room inside net/http. A client
// that reads at all makes room far sooner.
const awayAfter = time.Second

// errAway ends the handler's part in a body that goes on outside net/http.
var errAway = errors.New("body left net/http")

// away is what a body keeps once it left net/http.
type away struct {
	f      *os.File // the file, which the handler no longer closes
	left   int64    // bytes of f still to send
	keep   bool     // the connection may serve another request after this
	ctx    context.Context
	cancel context.CancelFunc // cut: shutdown's grace ran out, or Close
	id     uint64             // in the waiting set; 0 while a goroutine sends
	expiry *time.Timer        // the stall deadline, while waiting
	req    request            // of the request, what its log line shows
}

// awaySet is a server's bodies that left net/http: waiting in the epoll
// set, or being sent by a goroutine of their own.
type awaySet struct {
	mu      sync.Mutex
	poll    *poller // nil while no body waits
	waiting map[uint64]*responseWriter
	all     map[*responseWriter]struct{}
	last    uint64 // the last id given
	cut     bool   // no more waiting: everything is being closed
	// rest: quick-lane answers that wait for room on a goroutine
	// (quick.go), cut with the rest.
	rest map[*net.TCPConn]struct{}
}

// holdRest notes a quick-lane answer that waits for room, for cutAll;
// false when everything is being cut already.
func (a *awaySet) holdRest(tc *net.TCPConn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cut {
		return false
	}
	if a.rest == nil {
		a.rest = map[*net.TCPConn]struct{}{}
	}
	a.rest[tc] = struct{}{}
	return true
}

func (a *awaySet) dropRest(tc *net.TCPConn) {
	a.mu.Lock()
	delete(a.rest, tc)
	a.mu.Unlock()
}

// mayLeave reports whether the body now being sent from src may leave
// net/http if its client stalls.
func (w *responseWriter) mayLeave(c *conn, src io.Reader, left int64) bool {
	_, file := src.(*os.File)
	return file && left > 0 && w.part != nil && c != nil && c.park.l != nil && w.s.Rate() == 0
}

// leave takes the body out of net/http, the first time, and puts it in the
// waiting set with f and the left bytes still to send.
func (w *responseWriter) leave(c *conn, f *os.File, left int64) error {
	a := &w.s.away
	if w.gone == nil {
		keep := !w.r.Close && w.Header().Get("Connection") == ""
		_, buf, err := w.rc.Hijack() // the header is out: nothing to flush
		if err != nil {
			c.Close() // if net/http let go of it, it is nobody's now
			return err
		}
		// Bytes of a pipelined request that net/http read ahead would be
		// lost to the next request: the connection closes after the body.
		keep = keep && buf.Reader.Buffered() == 0
		ctx, cancel := context.WithCancel(context.Background())
		w.s.handlers.Add(1) // Run waits for the log line (away.end)
		a.mu.Lock()
		if a.all == nil {
			a.all, a.waiting = map[*responseWriter]struct{}{}, map[uint64]*responseWriter{}
		}
		// net/http's response, its buffers and its goroutines are let go,
		// and of the request only what the log line shows is kept.
		w.gone = &away{f: f, keep: keep, ctx: ctx, cancel: cancel, req: requestOf(w.r)}
		w.raw, w.rf, w.rc, w.ResponseWriter, w.r = c, c, nil, nil, nil
		a.all[w] = struct{}{}
		a.mu.Unlock()
	}
	w.gone.left = left
	a.wait(w)
	return nil
}

// wait keeps w in the epoll set until its socket has room, its stall
// deadline passes, or it is cancelled. When it cannot wait there, a
// goroutine goes on with it at once.
func (a *awaySet) wait(w *responseWriter) {
	raw, err := w.raw.SyscallConn()
	a.mu.Lock()
	if err == nil && a.poll == nil && !a.cut {
		var p *poller
		if p, err = newPoller(); err == nil {
			a.poll = p
			go p.run(a.ready)
		}
	}
	// A cancel that came before this is seen here: its abort found
	// nothing waiting to take out.
	if err == nil && !a.cut && !w.part.Cancelled() {
		a.last++
		id := a.last
		var aerr error
		if err = raw.Control(func(fd uintptr) { aerr = a.poll.add(int(fd), id, unix.EPOLLOUT) }); err == nil {
			err = aerr
		}
		if err == nil {
			a.waiting[id] = w
			w.gone.id = id
			w.gone.expiry = time.AfterFunc(time.Until(w.stallBy), func() { a.expire(w, id) })
			a.mu.Unlock()
			return
		}
	}
	a.idle()
	a.mu.Unlock()
	go w.resume()
}

// ready is called by the poller when a waiting body's socket has room.
func (a *awaySet) ready(id uint64) {
	if w := a.take(id); w != nil {
		go w.resume()
	}
}

// take removes a body from the waiting set; nil when it is not there
// (woken, expired, cancelled or cut already).
func (a *awaySet) take(id uint64) *responseWriter {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.waiting[id]
	if w == nil {
		return nil
	}
	delete(a.waiting, id)
	w.gone.id = 0
	w.gone.expiry.Stop()
	if raw, err := w.raw.SyscallConn(); err == nil {
		raw.Control(a.poll.del)
	}
	a.idle()
	return w
}

// idle ends the epoll set and its goroutine when no body waits. a.mu held.
func (a *awaySet) idle() {
	if len(a.waiting) == 0 && a.poll != nil {
		a.poll.close()
		a.poll = nil
	}
}

// expire ends a waiting body whose client accepted nothing until the stall
// deadline; while transfers are paused, waiting is no stall.
func (a *awaySet) expire(w *responseWriter, id uint64) {
	a.mu.Lock()
	if a.waiting[id] == w && w.s.tracker.Paused() {
		w.gone.expiry.Reset(w.s.cfg.Stall)
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	if a.take(id) != nil {
		w.fail(errStalled)
		a.end(w)
	}
}

// interrupt is a cancel's abort: it cuts the write in progress through the
// deadline, or wakes the body from the waiting set to see the cancel.
func (w *responseWriter) interrupt() {
	a := &w.s.away
	a.mu.Lock()
	var id uint64
	if w.gone != nil {
		id = w.gone.id
	}
	raw, rc := w.raw, w.rc
	a.mu.Unlock()
	switch {
	case id != 0:
		a.ready(id)
	case raw != nil:
		raw.SetWriteDeadline(time.Now())
	default:
		rc.SetWriteDeadline(time.Now())
	}
}

// resume sends what is left of a body that left net/http, in a goroutine
// of its own, until it ends or waits again.
func (w *responseWriter) resume() {
	lr := &io.LimitedReader{R: w.gone.f, N: w.gone.left}
	_, err := w.ReadFrom(lr)
	if errors.Is(err, errAway) {
		return
	}
	w.gone.left = lr.N
	w.s.away.end(w)
}

// end finishes a body that left net/http: its log line, then its
// connection, kept alive when the body is whole (its listener closes it if
// the server stopped listening meanwhile).
func (a *awaySet) end(w *responseWriter) {
	g := w.gone
	g.f.Close()
	w.s.logRequest(w)
	a.mu.Lock()
	delete(a.all, w)
	a.mu.Unlock()
	g.cancel()
	c := w.raw
	if g.keep && g.left == 0 && w.err == nil {
		c.park.l.park(c.TCPConn, time.Now().Add(w.s.net.http.IdleTimeout), c.park.full, time.Time{})
	} else {
		c.Close()
	}
	w.s.handlers.Done()
}

// cutAll ends every body outside net/http at once (Close, or the grace
// period ran out), and any that would wait later.
func (a *awaySet) cutAll() {
	a.mu.Lock()
	a.cut = true
	var ids []uint64
	for id := range a.waiting {
		ids = append(ids, id)
	}
	var running []*responseWriter
	for w := range a.all {
		if w.gone.id == 0 {
			running = append(running, w)
		}
	}
	for tc := range a.rest {
		tc.Close() // its write fails, and its goroutine logs it cut
	}
	a.mu.Unlock()
	for _, id := range ids {
		if w := a.take(id); w != nil {
			w.fail(net.ErrClosed)
			a.end(w)
		}
	}
	for _, w := range running {
		w.gone.cancel()
		w.raw.Close() // its goroutine fails at its next write and ends it
	}
}
