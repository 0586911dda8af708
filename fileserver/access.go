package fileserver

import (
	"crypto/tls"
	"net/http"

	"shareit/transfer"
)

// access is who may reach the server and how: a password (Credentials),
// HTTPS and a per-client bandwidth cap (Server.Rate).
type access struct {
	auth        *authState  // nil: no password asked
	tls         *tls.Config // nil: plain HTTP
	fingerprint string      // of the certificate presented; "" without TLS
	limiter     *transfer.Limiter
}

// initAccess sets up s.access from the Config. Its errors are one line
// for people (a certificate that cannot be loaded).
func (s *Server) initAccess() error {
	cfg, fp, err := newTLSConfig(s.cfg)
	if err != nil {
		return err
	}
	s.access = access{
		auth:        newAuth(s.cfg.Auth),
		tls:         cfg,
		fingerprint: fp,
		limiter:     transfer.NewLimiter(s.cfg.Rate),
	}
	return nil
}

// admit runs before any route: it asks for the password, puts the request
// body under the client's cap, and closes HTTP/1 connections after a
// request with Transfer-Encoding. It returns the request the routes
// serve, and false when it has answered the request itself.
//
// Why the close: net/http takes a request with both Transfer-Encoding and
// Content-Length by its chunked framing and drops the length (RFC 9112
// §6.3 allows that), so a handler cannot tell that request, the shape of a
// smuggling attempt, from a plain chunked one. §6.3 asks the server to
// close the connection after answering it; closing after every chunked
// request does, and whatever bytes followed the body are never read as a
// request. The cost is a new connection after a chunked upload (curl -T -).
func (s *Server) admit(w *responseWriter, r *http.Request) (*http.Request, bool) {
	if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		w.Header().Set("Connection", "close")
	}
	if s.control.isBlocked(w.client) {
		// Closed: a blocked client keeps no connection open.
		w.Header().Set("Connection", "close")
		s.errorMessage(w, r, http.StatusForbidden, "The person sharing these files has blocked this device.")
		return r, false
	}
	if !s.authorize(w, r) {
		return r, false
	}
	return s.limitBody(r), true
}

// gated reports whether requests must go through admit: the quick lane
// answers only when nothing there could refuse or slow them.
func (s *Server) gated() bool {
	return s.access.auth != nil || s.control.nBlock.Load() > 0 || s.control.nCaps.Load() > 0
}
