package fileserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"shareit/transfer"
)

// Secret links (--secret): every URL shareit shows carries a random token,
// /~s/TOKEN, so whoever has the link gets in with nothing to type. The
// first visit keeps the token in a cookie, so the links inside the pages
// stay short; the cookie also names the browser (TOKEN.DEVICE, a random
// DEVICE per browser), which is how --ask tells apart two devices behind
// one address. A request with neither the token nor a password (--auth, for
// scripts) gets a 403 page, and no listing.

const (
	secretPrefix = "/~s/"
	linkPrefix   = "/~l/" // limited links (links.go)
	cookieName   = "shareit_key"
	// tokenBytes of crypto/rand: 144 bits, more than the 128 asked, and
	// 24 characters of URL-safe base64.
	tokenBytes = 18
	// tokenShown is how much of a token a log line keeps.
	tokenShown = 4
	// deviceBytes of crypto/rand name a browser in its cookie.
	deviceBytes = 9
)

// secret is one token and its digest, compared in constant time.
type secret struct {
	token  string
	digest [32]byte
}

// newToken returns a fresh random token.
func newToken() string { return randomString(tokenBytes) }

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand's documentation)
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookieDevice is the device named in r's cookie, "" when none.
func cookieDevice(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	_, dev, _ := strings.Cut(c.Value, ".")
	return dev
}

func newSecret() *secret {
	t := newToken()
	return &secret{token: t, digest: sha256.Sum256([]byte(t))}
}

// match compares fixed-size digests, so neither the token's content nor
// its length leaks through the time taken.
func (s *secret) match(token string) bool {
	d := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(d[:], s.digest[:]) == 1
}

// Secret reports whether URLs carry a secret token.
func (s *Server) Secret() bool { return s.secret.Load() != nil }

// NewSecret replaces the token: the old links and cookies stop working at
// once. It does nothing without --secret. Logged.
func (s *Server) NewSecret() {
	if s.secret.Load() == nil {
		return
	}
	sec := newSecret()
	s.secret.Store(sec)
	s.tracker.Access("", transfer.ActionSecret, "new secret link "+redactToken(sec.token)+"; the old one no longer works")
}

// secretPath is the path prefix URLs carry, "" without --secret.
func (s *Server) secretPath() string {
	if sec := s.secret.Load(); sec != nil {
		return secretPrefix[1:] + sec.token
	}
	return ""
}

// secretVisit answers a request to /~s/TOKEN...: the right token sets the
// cookie and either redirects to the short URL (the share's root) or, for
// a longer path, lets the request through as that path, so that
// curl URL/~s/TOKEN/file works without a cookie jar. It returns the
// request to serve, or nil when it has answered.
func (s *Server) secretVisit(w *responseWriter, r *http.Request, sec *secret, rest string) (*http.Request, bool) {
	token, path, _ := strings.Cut(rest, "/")
	if !sec.match(token) {
		return nil, false
	}
	// A browser's visit goes on to the short URL. An upload or a text sent
	// to the link (curl -F file=@x URL, curl -d text=hi URL/?text) is served
	// at once, as is curl URL of a shared text: the text itself.
	html := strings.Contains(r.Header.Get("Accept"), "text/html")
	visit := path == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(html || s.root.Load().text == "")
	// A browser that comes back by the link stays the same device. A new
	// one is named here, as it keeps the cookie; a script that keeps none
	// (curl URL/~s/TOKEN/file: no HTML asked) is its address alone, or
	// under --ask each of its requests would be a new device to allow.
	dev := cookieDevice(r)
	if len(dev) > 2*deviceBytes {
		dev = ""
	}
	if dev == "" && (visit || html) {
		dev = randomString(deviceBytes)
	}
	w.device = dev
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    sec.token + "." + dev,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.access.tls != nil,
	})
	if visit {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil, true
	}
	return withPath(r, "/"+path), true
}

// withPath is r for another URL path (its log line keeps RequestURI).
func withPath(r *http.Request, path string) *http.Request {
	r2 := *r
	u := *r.URL
	u.Path, u.RawPath = path, ""
	r2.URL = &u
	return &r2
}

// redactToken keeps the first few characters of a token.
func redactToken(t string) string {
	if len(t) <= tokenShown {
		return t
	}
	return t[:tokenShown] + "…"
}

// redact shortens the tokens of secret and limited links in s (a request
// target, a referer), wherever they stand: a log line never holds one
// whole, whichever token it was.
func redact(s string) string {
	if !strings.Contains(s, "/~") {
		return s
	}
	for _, prefix := range []string{secretPrefix, linkPrefix} {
		for i := 0; ; {
			j := strings.Index(s[i:], prefix)
			if j < 0 {
				break
			}
			start := i + j + len(prefix)
			end := start + strings.IndexAny(s[start:]+"/", "/?#")
			tok := redactToken(s[start:end])
			s = s[:start] + tok + s[end:]
			i = start + len(tok)
		}
	}
	return s
}

// logURI is a request target as a log line shows it: tokens shortened,
// also when the client percent-encoded the path around them.
func logURI(raw string) string {
	if strings.Contains(raw, "%") {
		p, q, hasQ := strings.Cut(raw, "?")
		if dec, err := url.PathUnescape(p); err == nil && strings.Contains(dec, "/~") {
			raw = (&url.URL{Path: dec}).EscapedPath()
			if hasQ {
				raw += "?" + q
			}
		}
	}
	return redact(raw)
}
