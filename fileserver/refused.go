package fileserver

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shareit/fileserver/accel"
	"shareit/transfer"
)

// Requests net/http refuses before any handler runs — a malformed request
// line, control bytes in the target or a header, a header block over
// MaxHeaderBytes, an unknown Transfer-Encoding — get their answer written
// straight to the connection, and a request cut off mid-way gets none;
// neither reaches a handler, so neither would leave a log line. A
// watchedConn sees them: it keeps the first bytes of each request until a
// handler takes the request, and a status line written while no handler
// has it is a refusal. The log line says what the client sent (escaped),
// what was wrong, as net/http's own parser says it, and the status sent.

// seenMax is how much of a request a watchedConn keeps to explain a
// refusal: the request line and the first headers. A longer header block
// is explained by the status alone.
const seenMax = 512

// watchedConn is an accepted plain-HTTP connection whose refused requests
// are logged. It keeps what net/http looks for in the connection
// underneath: ReadFrom (sendfile) and CloseWrite.
type watchedConn struct {
	net.Conn
	s     *Server
	start time.Time // when the current request's first bytes came

	began bool // bytes came: the connection is not fresh; read side only
	// handled: a handler has the current request. Read looks at it without
	// the lock, so a request body's reads take none; it changes under mu.
	handled atomic.Bool
	mu      sync.Mutex
	logged  bool // the current request's refusal or cut is logged
	n       int  // bytes of the current request in seen
	seen    [seenMax]byte
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.began {
		c.began = true
		if p[0] == tlsHandshake {
			return 0, c.refuseTLS()
		}
	}
	if n > 0 && !c.handled.Load() {
		c.mu.Lock()
		if !c.handled.Load() && c.n < seenMax {
			if c.n == 0 {
				c.start = time.Now()
			}
			c.n += copy(c.seen[c.n:], p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// Write logs a status line written while no handler has the request: a
// refusal net/http answers on its own.
func (c *watchedConn) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("HTTP/1.")) {
		c.mu.Lock()
		if !c.handled.Load() && !c.logged {
			c.logged = true
			c.s.refused(c.refusal(p))
		}
		c.mu.Unlock()
	}
	return c.Conn.Write(p)
}

// Close logs a request the client began and did not finish, unless net/http
// answered it.
func (c *watchedConn) Close() error {
	c.mu.Lock()
	if !c.handled.Load() && !c.logged && c.n > 0 {
		c.logged = true
		l := c.refusal(nil)
		l.Note = "connection closed before the request was complete"
		c.s.refused(l)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// tlsHandshake is the first byte of a TLS record that starts a handshake.
const tlsHandshake = 0x16

// refuseTLS answers a TLS handshake sent to the plain-HTTP port at once,
// in words a person reading the browser's raw answer understands; net/http
// would wait for a line end that may never come. The error ends net/http's
// read quietly: the answer is sent.
func (c *watchedConn) refuseTLS() error {
	const msg = "This server speaks plain HTTP: use http://, not https://.\n"
	c.mu.Lock()
	c.logged = true
	c.mu.Unlock()
	c.s.refused(connRefused(c.RemoteAddr().String(), http.StatusBadRequest, "TLS handshake sent to the plain-HTTP port"))
	io.WriteString(c.Conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "+
		strconv.Itoa(len(msg))+"\r\n\r\n"+msg)
	return io.EOF
}

// handling is called when a handler takes the connection's request.
func (c *watchedConn) handling() {
	c.mu.Lock()
	c.handled.Store(true)
	c.mu.Unlock()
}

// idle is called when the connection waits for its next request.
func (c *watchedConn) idle() {
	c.mu.Lock()
	c.handled.Store(false)
	c.logged, c.n = false, 0
	c.mu.Unlock()
}

// refusal is the log line of the current request, answered with status
// (nil: not answered). c.mu is held.
func (c *watchedConn) refusal(status []byte) transfer.LogLine {
	l := transfer.LogLine{Time: c.start, Client: clientIP(c.RemoteAddr().String()), File: -1}
	if l.Time.IsZero() {
		l.Time = time.Now()
	}
	l.Duration = time.Since(l.Time)
	seen := c.seen[:c.n]
	line, _, _ := bytes.Cut(seen, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	l.Method, l.URI, l.Proto = splitRequestLine(string(line))
	if status == nil {
		return l
	}
	// "HTTP/1.1 400 Bad Request: reason\r\n...": the code, and net/http's
	// reason when it gave one.
	first, _, _ := bytes.Cut(status, []byte("\r\n"))
	code, text, _ := strings.Cut(strings.TrimPrefix(string(first), "HTTP/1.1 "), " ")
	l.Status, _ = strconv.Atoi(code)
	_, reason, found := strings.Cut(text, ": ")
	if !found && c.n > 0 {
		// net/http does not say why it sent a plain 400: its own parser,
		// given the same bytes, does.
		_, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(seen)))
		if err != nil && c.n < seenMax {
			reason = err.Error()
		}
	}
	if reason == "" {
		reason = text
	}
	l.Note = reason
	return l
}

// connRefused is the log line of a connection refused before any request
// could be read from it (a handshake, a preface); status 0: none sent.
func connRefused(addr string, status int, note string) transfer.LogLine {
	return transfer.LogLine{Time: time.Now(), Client: clientIP(addr), Method: "-", URI: "-", Proto: "-",
		Status: status, File: -1, Note: note}
}

// splitRequestLine splits a request line as a log line shows it; what does
// not fit the form is kept whole as the target.
func splitRequestLine(line string) (method, target, proto string) {
	parts := strings.SplitN(line, " ", 3)
	if len(parts) == 3 {
		return parts[0], parts[1], parts[2]
	}
	return "-", line, "-"
}

// watchedListener wraps every accepted connection in a watchedConn.
type watchedListener struct {
	net.Listener
	s *Server
}

func (l watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.seen.conn(c)
	return &watchedConn{Conn: c, s: l.s}, nil
}

// ReadFrom hands file bodies to the connection underneath, which sends
// them through the kernel; without it net/http would copy them.
func (c *watchedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// CloseWrite lets net/http half-close before it closes, so a client still
// sending gets the answer rather than a reset.
func (c *watchedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// NetConn is the connection underneath, as tls.Conn names its own.
func (c *watchedConn) NetConn() net.Conn { return c.Conn }

// connState tells a watchedConn, and the accelerated connection under it,
// when it waits for a new request.
func connState(c net.Conn, st http.ConnState) {
	if wc, ok := c.(*watchedConn); ok {
		if st == http.StateIdle {
			wc.idle()
		}
		c = wc.NetConn()
	}
	accel.ConnState(c, st)
}

// Refused requests are summarised per client once they come faster than
// refusedBurst in refusedWindow: a flood says how many more there were.
const (
	refusedBurst  = 10
	refusedWindow = 10 * time.Second
)

// refusedClients is how many clients' counts are kept before those whose
// window has passed are forgotten, so that a scan from many addresses
// leaves no growing map behind.
const refusedClients = 256

// refusals counts refused requests per client, for the summary.
type refusals struct {
	mu      sync.Mutex
	clients map[string]*refusalCount
}

type refusalCount struct {
	since  time.Time // the window's start
	n      int       // refusals in the window
	more   int       // of them, not logged
	timer  *time.Timer
	sample transfer.LogLine // the first one not logged
}

// refused logs l, a request refused before any handler ran, unless its
// client has sent too many of them lately: those are counted, and one line
// at the end of the window says how many.
func (s *Server) refused(l transfer.LogLine) {
	l.URI, l.Referer = logURI(l.URI), redact(l.Referer)
	r := &s.refusals
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.clients == nil {
		r.clients = map[string]*refusalCount{}
	}
	now := time.Now()
	rc := r.clients[l.Client]
	if rc == nil || now.Sub(rc.since) > refusedWindow && rc.more == 0 {
		if rc == nil && len(r.clients) >= refusedClients {
			r.forget(now)
		}
		rc = &refusalCount{since: now}
		r.clients[l.Client] = rc
	}
	rc.n++
	if rc.n <= refusedBurst {
		s.tracker.Log(l)
		return
	}
	if rc.more == 0 {
		rc.sample = l
		rc.timer = time.AfterFunc(refusedWindow-now.Sub(rc.since), func() { s.summariseRefused(l.Client) })
	}
	rc.more++
}

// forget drops the counts whose window has passed with nothing to
// summarise (a count that has, waits for its timer). r.mu is held.
func (r *refusals) forget(now time.Time) {
	for client, rc := range r.clients {
		if rc.more == 0 && now.Sub(rc.since) > refusedWindow {
			delete(r.clients, client)
		}
	}
}

// summariseRefused logs how many refused requests of client were not
// logged, and starts a new window.
func (s *Server) summariseRefused(client string) {
	r := &s.refusals
	r.mu.Lock()
	rc := r.clients[client]
	delete(r.clients, client)
	r.mu.Unlock()
	if rc == nil || rc.more == 0 {
		return
	}
	l := rc.sample
	l.Time = time.Now()
	l.Note = strconv.Itoa(rc.more) + " more like this from " + client
	s.tracker.Log(l)
}

// flushRefused logs the summaries still counting, when the server stops.
func (s *Server) flushRefused() {
	r := &s.refusals
	r.mu.Lock()
	var waiting []string
	for client, rc := range r.clients {
		if rc.timer != nil && rc.timer.Stop() {
			waiting = append(waiting, client)
		}
	}
	r.mu.Unlock()
	for _, client := range waiting {
		s.summariseRefused(client)
	}
}
