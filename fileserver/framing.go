package fileserver

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"sync/atomic"
)

// net/http accepts a request carrying both Transfer-Encoding and
// Content-Length (it drops the length), the shape of a request-smuggling
// attempt (RFC 9112 §6.1, §11.2). It deletes the evidence before a handler
// runs, so framedConn follows the request framing of the bytes net/http
// reads and flags the connection; ServeHTTP then answers 400 and closes it.
// This is plain Go over any net.Conn: every platform and build has it.

// framedConn is an accepted plain-HTTP connection that watches request
// framing. It keeps what net/http looks for in the connection underneath:
// ReadFrom (sendfile) and CloseWrite.
type framedConn struct {
	net.Conn
	frame framer
	bad   atomic.Bool
}

func (c *framedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.bad.Load() && c.frame.scan(p[:n]) {
		c.bad.Store(true)
	}
	return n, err
}

// smuggled reports whether a request on c declared both framings.
func (c *framedConn) smuggled() bool { return c.bad.Load() }

// ReadFrom hands file bodies to the connection underneath, which sends
// them through the kernel; without it net/http would copy them.
func (c *framedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// CloseWrite lets net/http half-close before it closes, so a client still
// sending gets the answer rather than a reset.
func (c *framedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// NetConn is the connection underneath, as tls.Conn names its own.
func (c *framedConn) NetConn() net.Conn { return c.Conn }

// framedListener wraps every accepted connection in a framedConn.
type framedListener struct{ net.Listener }

func (l framedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framedConn{Conn: c}, nil
}

// framer states.
const (
	inHead = iota
	inBody
	inChunkSize
	inChunkData
	inTrailer
	done // gave up: a header block too large for net/http to accept anyway
)

// maxLine bounds what the framer keeps of one line; longer header blocks are
// refused by net/http's MaxHeaderBytes before any handler runs.
const maxLine = 64 << 10

// framer walks HTTP/1 request framing: header blocks, bodies by length or by
// chunks. It is only ever fed what net/http reads, in order.
type framer struct {
	state   int
	line    []byte
	skip    int64 // body or chunk bytes left to pass over
	started bool  // a request line was seen in this header block
	lengths []string
	te      bool
	headLen int
}

// scan feeds p to the framer and reports whether a request declared both
// Transfer-Encoding and Content-Length.
func (f *framer) scan(p []byte) (smuggled bool) {
	for len(p) > 0 && f.state != done {
		switch f.state {
		case inBody, inChunkData:
			n := int64(len(p))
			if n > f.skip {
				n = f.skip
			}
			p = p[n:]
			f.skip -= n
			if f.skip == 0 {
				if f.state == inBody {
					f.state = inHead
				} else {
					f.state = inChunkSize
				}
			}
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.addLine(p)
			return false
		}
		f.addLine(p[:i])
		p = p[i+1:]
		line := bytes.TrimSuffix(f.line, []byte("\r"))
		f.line = f.line[:0]
		if f.endLine(line) {
			return true
		}
	}
	return false
}

func (f *framer) addLine(b []byte) {
	f.headLen += len(b)
	if len(f.line)+len(b) > maxLine || f.headLen > 2*maxLine {
		f.state = done
		f.line = nil
		return
	}
	f.line = append(f.line, b...)
}

// endLine handles one complete line in the current state.
func (f *framer) endLine(line []byte) (smuggled bool) {
	switch f.state {
	case inHead:
		f.headLen++
		if len(line) == 0 {
			if !f.started {
				return false // blank lines before a request are allowed
			}
			return f.endHead()
		}
		if !f.started {
			f.started = true
			return false
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return false
		}
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			f.lengths = append(f.lengths, string(bytes.TrimSpace(value)))
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			f.te = true
		}
	case inChunkSize:
		// A body may have any number of chunk-size lines: bound each one
		// (addLine), not their sum, or a long body blinds the check.
		f.headLen = 0
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		switch {
		case err != nil || n < 0:
			f.state = done // net/http will fail this body itself
		case n == 0:
			f.state = inTrailer
		default:
			f.state, f.skip = inChunkData, n+2 // data and its CRLF
		}
	case inTrailer:
		if len(line) == 0 {
			f.reset()
		}
	}
	return false
}

// endHead decides what follows a header block.
func (f *framer) endHead() (smuggled bool) {
	te, lengths := f.te, f.lengths
	f.reset()
	switch {
	case te && len(lengths) > 0:
		f.state = done
		return true
	case te:
		f.state = inChunkSize
	case len(lengths) > 0:
		n, err := strconv.ParseInt(lengths[0], 10, 64)
		if err != nil || n < 0 {
			f.state = done // net/http answers 400 itself
		} else if n > 0 {
			f.state, f.skip = inBody, n
		}
	}
	return false
}

func (f *framer) reset() {
	f.state, f.started, f.te, f.lengths, f.headLen = inHead, false, false, f.lengths[:0], 0
}
