package fileserver

import (
	"net"
	"net/http"
	"sync"

	"shareit/fileserver/accel"
	"shareit/transfer"
)

// The quick lane's side of the application. On Linux the accelerated
// listener reads the next request of a waiting connection itself, and a
// whole plain GET or HEAD comes here before net/http sees it: when its
// file is in the small-file cache, and nothing asks for net/http's path (a
// password, a rate cap, a pause, a client blocked or capped), the answer is the one serveFile gives,
// made from the cached header values in one buffer. Elsewhere, and with
// the build tag portable, nothing calls it.

// listenerOptions is what the accelerated listener needs of s.
func (s *Server) listenerOptions() accel.Options {
	return accel.Options{
		HeaderTimeout: s.net.http.ReadHeaderTimeout,
		IdleTimeout:   s.net.http.IdleTimeout,
		WriteTimeout:  s.cfg.Stall,
		Quick:         s.quick,
		Answered:      s.quickAnswered,
		Hold:          s.holdRest,
		Release:       s.releaseRest,
	}
}

// quick appends to dst the answer to r and fills its log line, as serveFile
// and logRequest would for the same request; false leaves r to net/http.
func (s *Server) quick(dst []byte, r *accel.Request, line *transfer.LogLine) ([]byte, bool) {
	if s.gated() || s.Rate() > 0 || s.tracker.Paused() {
		return dst, false
	}
	uri := string(r.Target)
	rel, status := s.clean(uri)
	if status != 0 {
		return dst, false
	}
	root, rel, status := s.root.Load().locate(rel)
	if status != 0 || rel == "." && root.virtual() {
		return dst, false
	}
	fi, err := s.statFile(root, rel)
	if err != nil {
		return dst, false
	}
	cf := s.files.cached(fi)
	if cf == nil {
		return dst, false
	}
	*line = transfer.LogLine{
		Time:      r.Start,
		Client:    r.Client,
		Method:    http.MethodGet,
		URI:       uri,
		Proto:     "HTTP/1.1",
		Status:    http.StatusOK,
		Referer:   string(r.Referer),
		UserAgent: string(r.UserAgent),
		File:      fi.Size(),
	}
	out := append(dst, "HTTP/1.1 200 OK\r\nAccept-Ranges: bytes\r\nContent-Length: "...)
	out = append(out, cf.length[0]...)
	out = append(out, "\r\nContent-Type: "...)
	out = append(out, cf.contentType(fi.Name())...)
	out = append(out, "\r\nEtag: "...)
	out = append(out, cf.etag[0]...)
	out = append(out, "\r\nLast-Modified: "...)
	out = append(out, cf.lastMod[0]...)
	out = append(out, "\r\nDate: "...)
	out = append(out, r.Date...)
	if r.Close {
		out = append(out, "\r\nConnection: close"...)
	}
	out = append(out, "\r\n\r\n"...)
	if r.Head {
		line.Method = http.MethodHead
	} else {
		out = append(out, cf.body...)
		line.Bytes = int64(len(cf.body))
	}
	return out, true
}

// quickAnswered logs an answer of the quick lane once it is sent.
func (s *Server) quickAnswered(line *transfer.LogLine) { s.tracker.Log(*line) }

// quickRests are the quick lane's answers that wait for the client to
// make room, each on a goroutine of its own. Run waits for them as it does
// for handlers, and cuts them when the grace period runs out, or at Close.
type quickRests struct {
	mu    sync.Mutex
	cut   bool // the server is being cut: no answer waits any more
	conns map[net.Conn]struct{}
}

// holdRest counts an answer that waits for room on c; false once the
// server is being cut.
func (s *Server) holdRest(c net.Conn) bool {
	r := &s.rests
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cut {
		return false
	}
	if r.conns == nil {
		r.conns = map[net.Conn]struct{}{}
	}
	r.conns[c] = struct{}{}
	s.handlers.Add(1)
	return true
}

// releaseRest is called when the answer held on c has been sent or cut.
func (s *Server) releaseRest(c net.Conn) {
	r := &s.rests
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
	s.handlers.Done()
}

// cutRests closes the connections of the answers waiting for room, whose
// writes then fail and log them cut, and lets no more wait.
func (s *Server) cutRests() {
	r := &s.rests
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cut = true
	for c := range r.conns {
		c.Close()
	}
}
