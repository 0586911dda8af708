// Package accel holds the Linux-only speed-ups of shareit's HTTP side,
// behind two functions: Listener wraps the plain-HTTP listener, and
// ConnState is told what the http.Server's ConnState hook is told.
// Everything else, and every platform but Linux, is plain net/http; the
// build tag "portable" compiles the speed-ups out on Linux too, so the
// suite can run the path macOS and Windows get.
//
// On Linux the listener's connections send file bodies with raw sendfile
// calls, and connections waiting for a request wait in an epoll set of the
// listener's own instead of a goroutine each (parking). When one wakes,
// the listener reads what it sent; a whole plain GET or HEAD that
// Options.Quick can answer (a small cached file) is answered there, in one
// write, and the connection waits again (the quick lane). Anything else
// goes to net/http through Accept, with the bytes read handed back first.
//
// What a connection must keep for net/http: it is an io.ReaderFrom (or
// net/http copies bodies through a 32 KiB buffer instead of sendfile), and
// it is the accepted *net.TCPConn underneath, reachable through NetConn
// for anything that needs the socket (a hang-up check, deadlines).
package accel

import (
	"net"
	"time"

	"shareit/transfer"
)

// Options is what the listener needs to know of the http.Server it feeds
// and of the application behind it.
type Options struct {
	// HeaderTimeout and IdleTimeout are the http.Server's ReadHeaderTimeout
	// and IdleTimeout: a connection waiting outside net/http keeps them.
	HeaderTimeout, IdleTimeout time.Duration
	// WriteTimeout is how long an answer of the quick lane that the
	// socket had no room for may wait for the client to read it.
	WriteTimeout time.Duration
	// Quick appends to dst the whole answer to r (status line, headers and
	// body) and fills line, the answer's log line, if it can; false leaves
	// r to net/http, which reads it again from the start. It runs on the
	// one goroutine that watches waiting connections, so it must not wait.
	// nil: every request goes to net/http.
	Quick func(dst []byte, r *Request, line *transfer.LogLine) ([]byte, bool)
	// Answered is given the log line of an answer Quick made once it has
	// been sent, its Duration set; Bytes is 0 when it was cut short.
	Answered func(line *transfer.LogLine)
	// Hold is called before an answer the socket had no room for waits on
	// a goroutine of its own, with its connection; false (the server is
	// being cut) closes the connection instead. Release is called when it
	// has waited. The server uses them to wait for such answers, and to
	// cut them, as it does its handlers.
	Hold    func(c net.Conn) bool
	Release func(c net.Conn)
}

// Request is a whole plain GET or HEAD, read by the quick lane, with no
// body, no Range or precondition, no query or escape in its target, and
// exactly one Host. Its byte slices point into the lane's read buffer and
// are valid only during the call to Options.Quick.
type Request struct {
	Head      bool   // HEAD, not GET
	Close     bool   // Connection: close
	Target    []byte // the path, as sent: it needs no decoding
	Referer   []byte
	UserAgent []byte
	Client    string    // the client's address as log lines show it
	Start     time.Time // when the request was read
	Date      []byte    // a Date header's value for Start, made once a second
}
