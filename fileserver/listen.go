package fileserver

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"shareit/transfer"
)

// Limits against hostile and careless clients.
const (
	readHeaderTimeout = 10 * time.Second // slow-header (slowloris) clients
	idleTimeout       = 60 * time.Second // keep-alive connections with nothing to do
	maxHeaderBytes    = 32 << 10         // larger header blocks get 431
	portTries         = 100              // ports tried after a busy one
)

// netState is the listening side of a Server: one http.Server, and a
// listener that Stop closes and Start opens again on the same address.
type netState struct {
	http *http.Server
	errc chan error // a listener failed on its own

	mu      sync.Mutex
	addr    string // host:port bound by Listen, reused by Start
	ln      net.Listener
	running bool // Run has begun: Start serves a new listener itself
}

func (n *netState) init(s *Server) {
	n.errc = make(chan error, 1)
	n.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// Whole-response timeouts would cut big downloads; the writer
		// renews a write deadline per chunk instead (see responseWriter).
		ErrorLog: log.New(noticeWriter{s}, "", 0),
		// A TLS config that names h2 makes Serve set up HTTP/2 for the
		// *tls.Conns wrapListener accepts; nil for plain HTTP.
		TLSConfig: s.access.tls.Clone(),
		// The refusal log, and the accelerated listener, learn when a
		// connection waits for a request.
		ConnState: connState,
		// For the refusal log and the hang-up check (connOf).
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// noticeWriter turns the http.Server's own error log into tracker notices,
// so nothing writes to the terminal behind the TUI's back. An HTTP/2
// connection that does not open as one is a refused request, logged as one.
type noticeWriter struct{ s *Server }

func (w noticeWriter) Write(p []byte) (int, error) {
	text := strings.TrimRight(string(p), "\n")
	if l, ok := prefaceRefused(text); ok {
		w.s.refused(l)
	} else {
		w.s.tracker.Notice(text)
	}
	return len(p), nil
}

// prefaceRefused reads the HTTP/2 server's "error reading preface from
// client ADDR: why" as a refused request's log line. (Failed TLS
// handshakes are logged by tlsListener, which does them.)
func prefaceRefused(text string) (transfer.LogLine, bool) {
	rest, ok := strings.CutPrefix(text, "http2: server: error reading preface from client ")
	if !ok {
		return transfer.LogLine{}, false
	}
	addr, why, _ := strings.Cut(rest, ": ")
	return connRefused(addr, 0, "HTTP/2 connection preface refused: "+why), true
}

// Listen binds the configured address. When the port is busy it takes the
// next free one and says so in the returned note ("" when none).
func (s *Server) Listen() (note string, err error) {
	host, port := s.cfg.Bind, s.cfg.Port
	var ln net.Listener
	for try := 0; ; try++ {
		p := port + try
		ln, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			break
		}
		if port == 0 || !addrInUse(err) || try == portTries || p == 65535 {
			return "", fmt.Errorf("listen on %s: %w", net.JoinHostPort(host, strconv.Itoa(port)), err)
		}
	}
	if bound := ln.Addr().(*net.TCPAddr).Port; port != 0 && bound != port {
		note = fmt.Sprintf("port %d is busy; using %d", port, bound)
	}
	s.net.mu.Lock()
	s.net.ln = s.wrapListener(ln)
	s.net.addr = ln.Addr().String()
	s.net.mu.Unlock()
	return note, nil
}

// Addr is the address bound by Listen, host:port.
func (s *Server) Addr() string {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	return s.net.addr
}

// Port is the port bound by Listen.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// Run serves until ctx is done, then stops accepting, lets running
// transfers finish for up to the grace period, and closes what is left.
func (s *Server) Run(ctx context.Context) error {
	defer s.dirs.close() // stops the folder watcher's goroutine (fsnotify off Linux)
	s.net.mu.Lock()
	if s.net.addr == "" {
		s.net.mu.Unlock()
		return errors.New("fileserver: Run before Listen")
	}
	// Stop may already have closed Listen's listener; Start serves the
	// ones it opens once Run has begun.
	s.net.running = true
	if s.net.ln != nil {
		go s.serve(s.net.ln)
	}
	s.net.mu.Unlock()
	select {
	case err := <-s.net.errc:
		s.net.http.Close()
		s.cutRests()
		s.handlers.Wait()
		return err
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), s.cfg.Grace)
	defer cancel()
	// The quick lane's answers waiting for room outside net/http get the
	// grace period too, and are cut with it.
	context.AfterFunc(grace, s.cutRests)
	if err := s.net.http.Shutdown(grace); err != nil {
		s.net.http.Close() // cuts the transfers still running
	}
	// Close does not wait for handlers; their connections are closed, so
	// they end at their next write or wait.
	s.handlers.Wait()
	s.flushRefused()
	if s.cfg.CleanUploads {
		s.cleanUploads()
	}
	return nil
}

// serve runs the http.Server on ln until ln is closed. A failure of the
// current listener that nobody asked for ends Run.
func (s *Server) serve(ln net.Listener) {
	err := s.net.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return
	}
	s.net.mu.Lock()
	current := s.net.ln == ln
	s.net.mu.Unlock()
	if current {
		select {
		case s.net.errc <- err:
		default:
		}
	}
}

// Stop stops listening. Connections already open finish their current
// response and then close; running transfers go on.
func (s *Server) Stop() error {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	if s.net.ln == nil {
		return nil
	}
	ln := s.net.ln
	s.net.ln = nil
	s.net.http.SetKeepAlivesEnabled(false)
	return ln.Close()
}

// Start listens again on the address Listen bound.
func (s *Server) Start() error {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	if s.net.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.net.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.net.addr, err)
	}
	s.net.ln = s.wrapListener(ln)
	s.net.http.SetKeepAlivesEnabled(true)
	if s.net.running {
		go s.serve(s.net.ln)
	}
	return nil
}

// Listening reports whether the server accepts connections.
func (s *Server) Listening() bool {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	return s.net.ln != nil
}

// Close closes the listener and every connection at once, cutting running
// transfers; Run then returns without waiting for the grace period.
func (s *Server) Close() error {
	s.net.mu.Lock()
	s.net.ln = nil
	s.net.mu.Unlock()
	err := s.net.http.Close()
	s.cutRests()
	return err
}
