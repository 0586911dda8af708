package fileserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"shareit/transfer"
)

// An upload waits between reads while transfers are paused. A download
// waiting so inside net/http ends when its client hangs up, because
// net/http reads the idle connection and cancels the request's context on
// EOF; an upload's connection is the handler's to read, so nothing would
// notice, and the handler would wait for the resume — or forever, if
// shareit quit while paused. So a paused upload, and a download that has
// left net/http (away.go), look at their connection now and then.

// hangupCheck is how often a paused body looks at its connection.
const hangupCheck = time.Second

// netConnKey is the request-context key of a connection that is not a
// *conn (a TLS one).
type netConnKey struct{}

// connOf is the connection r came on, or nil.
func connOf(r *http.Request) net.Conn {
	if c, ok := r.Context().Value(connKey{}).(*conn); ok {
		return c
	}
	c, _ := r.Context().Value(netConnKey{}).(net.Conn)
	return c
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
// upload's) or once net/http has let it go (a download's, away.go).
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

// hungUp reports whether the client closed its side of c (or c was
// closed here, as at shutdown), without reading from it.
func hungUp(c net.Conn) bool {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	gone := false
	cerr := raw.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		n, err := unix.Poll(fds, 0)
		gone = err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0
	})
	return gone || cerr != nil
}
