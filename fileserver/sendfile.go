package fileserver

import (
	"cmp"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// net/http's ReadFrom takes a 32 KiB copy buffer before it hands a body to
// the connection's sendfile, and holds it while sendfile waits for the
// client: a download whose client reads slowly, or not at all, keeps the
// buffer for as long as it waits. A tracked chunk's sendfile therefore
// stops when the socket is full, and the writer waits for room outside
// net/http's ReadFrom (writer.go, sendChunk).

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
		// Write checks the write deadline first, and returns as soon as
		// the function does: it never waits.
		werr = sraw.Write(func(sock uintptr) bool {
			for sent < lr.N {
				// Linux's sendfile reads from the file's offset and moves it.
				n, err := unix.Sendfile(int(sock), int(file), nil, int(min(lr.N-sent, 1<<30)))
				if n > 0 {
					sent += int64(n)
				}
				switch {
				case err == unix.EINTR:
				case err == unix.EAGAIN:
					serr = errSocketFull
					return true
				case err != nil:
					serr = os.NewSyscallError("sendfile", err)
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
		fds := []unix.PollFd{{Fd: int32(sock), Events: unix.POLLOUT}}
		n, err := unix.Poll(fds, 0)
		return err != nil || n > 0
	})
}
