package fileserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
)

// HTTPS connections reach net/http with their handshake done. net/http
// speaks HTTP/2 only to a *tls.Conn, so one whose client chose h2 is handed
// over as it is; one that speaks HTTP/1.x is handed over inside a
// watchedConn, so that what net/http refuses on it is logged as over plain
// HTTP (a wrapper under the *tls.Conn would see only ciphertext). Each
// handshake runs on a goroutine of its own, bounded by the header timeout,
// so a client that never finishes one holds up no other.

// tlsListener does the handshakes of a TCP listener's connections.
type tlsListener struct {
	net.Listener // the TCP listener
	s            *Server
	cfg          *tls.Config
	ready        chan net.Conn
	failed       chan error    // the TCP listener's own error, once
	done         chan struct{} // closed by Close
	once         sync.Once

	mu      sync.Mutex
	pending map[net.Conn]struct{} // connections in their handshake; nil once closed
}

func newTLSListener(ln net.Listener, s *Server, cfg *tls.Config) *tlsListener {
	l := &tlsListener{Listener: ln, s: s, cfg: cfg, ready: make(chan net.Conn),
		failed: make(chan error, 1), done: make(chan struct{}), pending: map[net.Conn]struct{}{}}
	go l.acceptLoop()
	return l
}

func (l *tlsListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			l.failed <- err
			return
		}
		l.mu.Lock()
		if l.pending == nil {
			l.mu.Unlock()
			c.Close()
			return
		}
		l.pending[c] = struct{}{}
		l.mu.Unlock()
		go l.handshake(c)
	}
}

func (l *tlsListener) handshake(raw net.Conn) {
	l.s.seen.conn(raw) // it reached the share, whatever its browser thinks of the certificate
	tc := tls.Server(raw, l.cfg)
	ctx, cancel := context.WithTimeout(context.Background(), readHeaderTimeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	l.mu.Lock()
	open := l.pending != nil
	delete(l.pending, raw)
	l.mu.Unlock()
	if err != nil {
		l.failedHandshake(raw, err)
		return
	}
	var c net.Conn = tc
	if tc.ConnectionState().NegotiatedProtocol != "h2" {
		c = &watchedConn{Conn: tc, s: l.s}
	}
	if !open {
		c.Close()
		return
	}
	select {
	case l.ready <- c:
	case <-l.done:
		c.Close()
	}
}

// failedHandshake logs a handshake that failed, and answers a client that
// spoke plain HTTP as net/http would.
func (l *tlsListener) failedHandshake(raw net.Conn, err error) {
	line := connRefused(raw.RemoteAddr().String(), 0, "TLS handshake failed: "+err.Error())
	var re tls.RecordHeaderError
	if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader[:]) {
		io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
		line.Status = http.StatusBadRequest
		line.Note = "TLS handshake failed: client sent an HTTP request to an HTTPS server"
	}
	raw.Close()
	if errors.Is(err, io.EOF) {
		return // a client that connected and left: a port check, a browser's spare connection
	}
	l.s.refused(line)
}

// looksLikeHTTP reports whether a TLS record header is the start of an
// HTTP request (net/http's own test, which it does not export).
func looksLikeHTTP(h []byte) bool {
	for _, m := range []string{"GET /", "HEAD ", "POST ", "PUT /", "OPTIO"} {
		if bytes.HasPrefix(h, []byte(m)) {
			return true
		}
	}
	return false
}

func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case err := <-l.failed:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes the connections still in their
// handshake.
func (l *tlsListener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
		l.mu.Lock()
		pending := l.pending
		l.pending = nil
		l.mu.Unlock()
		for c := range pending {
			c.Close()
		}
	})
	return err
}
