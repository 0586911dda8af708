package fileserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"syscall"
	"time"

	"shareit/transfer"
)

// An upload waits between reads while transfers are paused. A download
// waiting so inside net/http ends when its client hangs up, because
// net/http reads the idle connection and cancels the request's context on
// EOF; an upload's connection is the handler's to read, so nothing would
// notice, and the handler would wait for the resume — or forever, if
// shareit quit while paused. So a paused upload looks at its connection now
// and then.

// hangupCheck is how often a paused body looks at its connection.
const hangupCheck = time.Second

// connKey is the request-context key of the connection a request came on.
type connKey struct{}

// connOf is the connection r came on, or nil: a *framedConn for plain
// HTTP, a *tls.Conn for HTTPS.
func connOf(r *http.Request) net.Conn {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	return c
}

// rawSocket is the socket under c's wrappers, for a look that reads
// nothing: ok is false when c has none, closed is true when it was closed
// here (as at shutdown).
func rawSocket(c net.Conn) (raw syscall.RawConn, ok, closed bool) {
	sc, ok := socket(c).(syscall.Conn)
	if !ok {
		return nil, false, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, true, true
	}
	return raw, true, false
}

// socket is the connection underneath c's wrappers (TLS, the framing
// check, the accelerators), which hungUp looks at.
func socket(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = u.NetConn()
	}
}

// wait holds the body while transfers are paused. A client that hangs up
// meanwhile is held no longer: what it sent is already here, and reading
// it ends the upload as it would have ended anyway (cut short, or whole).
func (b *uploadBody) wait() error {
	if err := waitPaused(b.ctx, b.part, b.conn); !errors.Is(err, errHungUp) {
		return err
	}
	return nil
}

// errHungUp ends a wait for the resume whose client went away.
var errHungUp = errors.New("client hung up")

// waitPaused waits while transfers are paused, until the resume, a cancel,
// ctx's end, or the client's hang-up on c, which it looks for every
// hangupCheck: nothing else reads c while its request's handler waits (an
// upload's).
func waitPaused(ctx context.Context, part *transfer.Part, c net.Conn) error {
	// Not paused (the common case): no timer.
	if err := part.Wait(doneContext); !errors.Is(err, context.Canceled) {
		return err
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, hangupCheck)
		err := part.Wait(wctx)
		cancel()
		switch {
		case err == nil, errors.Is(err, transfer.ErrCancelled), ctx.Err() != nil:
			return err
		case hungUp(c):
			return errHungUp
		}
	}
}

// doneContext is done from the start: Part.Wait with it says at once
// whether transfers are paused.
var doneContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()
