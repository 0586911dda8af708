package fileserver

import (
	"io"
	"sync"
)

// A small response leaves in one write: while a connection is corked, what
// net/http writes to it (the header, then the body, from its 4 KiB buffer
// in pieces) is held in memory, and uncork sends it all at once. Sent as it
// is written, a 4 KiB file costs two writes and two TCP pushes; TCP_CORK
// (nginx's tcp_nopush) saves the push but adds two setsockopt calls.
// wrk on a 4 KiB file: 17-19k requests/s with TCP_CORK, 20-22k with this.

// heldCap is the most a corked connection holds: a cached file's body and
// its header. More is sent as it comes, heldCap at a time.
const heldCap = maxCachedFile + 4<<10

var heldPool = sync.Pool{New: func() any { b := make([]byte, 0, heldCap); return &b }}

// cork starts holding writes. The buffer is taken at the first write, so a
// request that uncorks before writing (a tracked download) takes none.
// Only the goroutine serving the connection's request writes to it, so
// there is no lock.
func (c *conn) cork() { c.corked = true }

// uncork sends what is held and stops holding.
func (c *conn) uncork() error {
	c.corked = false
	if c.held == nil {
		return nil
	}
	err := c.flushHeld()
	heldPool.Put(c.held)
	c.held = nil
	return err
}

func (c *conn) flushHeld() error {
	b := *c.held
	*c.held = b[:0]
	if len(b) == 0 {
		return nil
	}
	_, err := c.TCPConn.Write(b)
	return err
}

// hold returns the buffer to hold writes in, nil when not corked.
func (c *conn) hold() *[]byte {
	if c.corked && c.held == nil {
		c.held = heldPool.Get().(*[]byte)
	}
	return c.held
}

func (c *conn) Write(p []byte) (int, error) {
	held := c.hold()
	if held == nil {
		return c.TCPConn.Write(p)
	}
	if len(*held)+len(p) > heldCap {
		if err := c.flushHeld(); err != nil {
			return 0, err
		}
		if len(p) > heldCap {
			return c.TCPConn.Write(p)
		}
	}
	*held = append(*held, p...)
	return len(p), nil
}

// ReadFrom reads a corked response's body into what is held, so it leaves
// with the header; an uncorked one goes through sendfile when r is a file.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	held := c.hold()
	if held == nil {
		if c.nowait {
			return c.sendfile(r) // sendfile.go
		}
		return c.TCPConn.ReadFrom(r)
	}
	var n int64
	for {
		b := *held
		if len(b) == cap(b) {
			if err := c.flushHeld(); err != nil {
				return n, err
			}
			continue
		}
		m, err := r.Read(b[len(b):cap(b)])
		*held = b[:len(b)+m]
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
