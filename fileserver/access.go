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
// body under the client's cap, and closes HTTP/1 connections over TLS after
// a request with Transfer-Encoding (see Server.wrapListener for why). It returns false
// when it has answered the request itself.
func (s *Server) admit(w *responseWriter, r *http.Request) bool {
	if r.TLS != nil && r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		w.Header().Set("Connection", "close")
	}
	if !s.authorize(w, r) {
		return false
	}
	s.limitBody(r)
	return true
}
