package fileserver

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shareit/transfer"
)

// access is who may reach the server and how: a password (Credentials),
// HTTPS and a per-client bandwidth cap (Server.Rate).
type access struct {
	auth        *authState  // nil: no password asked
	tls         *tls.Config // nil: plain HTTP
	fingerprint string      // of the certificate presented; "" without TLS
	limiter     *transfer.Limiter
	fails       failures      // wrong passwords and tokens, per address
	slow        chan struct{} // a slot per answer being held back (backoff)
}

// maxSlow bounds the answers held back at once: past it, a failing
// client is answered at once, and its connection closed.
const maxSlow = 64

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
		fails:       failures{m: make(map[string]*failRecord)},
		slow:        make(chan struct{}, maxSlow),
	}
	if s.cfg.Secret {
		s.secret.Store(newSecret())
	}
	s.ask.on, s.ask.wait = s.cfg.Ask, s.cfg.AskWait
	if s.ask.wait <= 0 {
		s.ask.wait = DefaultAskWait
	}
	return nil
}

// admit runs before any route, in this order: it refuses blocked clients,
// lets a limited link through on its token alone, asks for the password or
// the secret token, holds back devices not yet allowed (--ask), keeps a
// drop box to uploads (--drop), puts the request body under the client's
// cap, and closes HTTP/1 connections after a request with
// Transfer-Encoding. Every route, tus's too, is behind it. It returns the request the routes serve, and false
// when it has answered the request itself.
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
		s.errorMessage(w, r, http.StatusForbidden, s.control.blockedText(w.client))
		return r, false
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, linkPrefix); ok {
		// The link's token is its credential: no password, secret or ask.
		r2, f := s.admitLink(w, r, rest)
		if r2 == nil {
			return r, false
		}
		w.r, w.folder = r2, f
		return s.limitBody(r2), true
	}
	r, ok := s.authorize(w, r)
	if !ok {
		return r, false
	}
	w.r = r
	if s.ask.on && !s.admitDevice(w, r) {
		return r, false
	}
	if s.cfg.Drop && !s.admitDrop(w, r) {
		return r, false
	}
	return s.limitBody(r), true
}

// gated reports whether requests must go through admit: the quick lane
// answers only when nothing there could refuse or slow them.
func (s *Server) gated() bool {
	return s.access.auth != nil || s.secret.Load() != nil || s.ask.on || s.cfg.Drop ||
		s.control.nBlock.Load() > 0 || s.control.nCaps.Load() > 0
}

// authorize lets r through when it carries the secret token (in the path
// or its cookie) or the password, whichever is asked; either will do when
// both are. Otherwise it answers 401 (a password is asked: the browser
// shows its prompt) or 403, or 429 to an address that failed too often
// lately, and returns false. Wrong tokens and passwords are counted per
// address; past a few, the answer comes late (backoff).
func (s *Server) authorize(w *responseWriter, r *http.Request) (*http.Request, bool) {
	a, sec := s.access.auth, s.secret.Load()
	if a == nil && sec == nil {
		return r, true
	}
	now := time.Now()
	key := failKey(w.client)
	if wait := s.access.fails.blocked(key, now); wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		w.Header().Set("Connection", "close")
		s.error(w, r, http.StatusTooManyRequests)
		return r, false
	}
	wrong := false
	if sec != nil {
		if rest, ok := strings.CutPrefix(r.URL.Path, secretPrefix); ok {
			r2, ok := s.secretVisit(w, r, sec, rest)
			if ok && r2 == nil {
				return r, false // redirected
			}
			if ok {
				return r2, true
			}
			wrong = true
		} else if c, err := r.Cookie(cookieName); err == nil {
			token, dev, _ := strings.Cut(c.Value, ".")
			if sec.match(token) {
				w.device = dev
				return r, true
			}
			wrong = true
		}
	}
	if a != nil {
		user, pass, ok := r.BasicAuth()
		if ok && a.match(user, pass) {
			s.access.fails.forget(key)
			w.user = user
			return r, true
		}
		// A request without credentials is how a browser starts: it is
		// asked, not counted.
		wrong = wrong || ok
	}
	if wrong && !s.failed(w, r, key, now) {
		return r, false // gone while held back
	}
	switch {
	case a != nil:
		w.Header().Set("WWW-Authenticate", authChallenge)
		msg := ""
		if sec != nil {
			msg = "This share needs its secret link, or a password."
		}
		s.errorMessage(w, r, http.StatusUnauthorized, msg)
	case wrong:
		s.errorMessage(w, r, http.StatusForbidden, "This link is not valid: it may have been replaced by a new one. Ask for the link again.")
	default:
		s.errorMessage(w, r, http.StatusForbidden, "This share needs its secret link: scan the QR code or ask for the link.")
	}
	return r, false
}

// failed counts a wrong password or token from key, logs when the address
// starts to be held back or is refused, and holds the answer back for its
// backoff. It returns false when the client went away meanwhile.
func (s *Server) failed(w *responseWriter, r *http.Request, key string, now time.Time) bool {
	refused, n := s.access.fails.count(key, now)
	switch {
	case refused:
		s.tracker.Access(key, transfer.ActionBackoff, fmt.Sprintf("%s: %d wrong passwords or tokens within %s; refused for %s",
			key, maxFailures, shortDuration(failWindow), shortDuration(blockFor)))
	case n == slowAfter+1:
		s.tracker.Access(key, transfer.ActionBackoff, fmt.Sprintf("%s: %d wrong passwords or tokens; its answers now come late (back-off)", key, n))
	}
	d := backoff(n)
	if d == 0 {
		return true
	}
	w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	select {
	case s.access.slow <- struct{}{}:
	default:
		// Too many held back already: answer now, and keep no connection.
		w.Header().Set("Connection", "close")
		return true
	}
	defer func() { <-s.access.slow }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
