package fileserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Credentials are the one user name and password every request must carry
// (HTTP basic auth, RFC 7617) when Config.Auth is set.
type Credentials struct {
	User     string
	Password string
}

// Guessing: an address that fails more than slowAfter times within
// failWindow gets its answers late, by a delay that doubles per failure up
// to maxDelay (back-off); one that fails maxFailures times is answered 429
// for blockFor, without its password or token being looked at. Only that
// address: everyone else is served as before.
const (
	slowAfter   = 5
	firstDelay  = 100 * time.Millisecond
	maxDelay    = 2 * time.Second
	maxFailures = 10
	failWindow  = time.Minute
	blockFor    = time.Minute
	// maxTracked bounds the addresses remembered, so that a client with
	// many addresses cannot grow the table without limit.
	maxTracked = 4096
)

// authChallenge is the WWW-Authenticate header of a 401 (RFC 7617 §2.1).
const authChallenge = `Basic realm="shareit", charset="UTF-8"`

// authState checks credentials against SHA-256 digests of the expected
// ones: comparing fixed-size digests in constant time leaks neither the
// content nor the length of the user name or password.
type authState struct {
	name       string // the user name, for people
	user, pass [32]byte
}

func newAuth(c *Credentials) *authState {
	if c == nil {
		return nil
	}
	return &authState{
		name: c.User,
		user: sha256.Sum256([]byte(c.User)),
		pass: sha256.Sum256([]byte(c.Password)),
	}
}

// AuthUser is the user name requests must carry, "" when no password is
// asked.
func (s *Server) AuthUser() string {
	if s.access.auth == nil {
		return ""
	}
	return s.access.auth.name
}

// match reports whether user and pass are the expected ones. Both are
// compared, whatever the first comparison gave.
func (a *authState) match(user, pass string) bool {
	u := sha256.Sum256([]byte(user))
	p := sha256.Sum256([]byte(pass))
	return subtle.ConstantTimeCompare(u[:], a.user[:])&subtle.ConstantTimeCompare(p[:], a.pass[:]) == 1
}

// shortDuration is "1m" rather than "1m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}

// failKey is the address failures are counted under: the IP for IPv4, the
// /64 prefix for IPv6, since one host commonly holds a whole /64.
func failKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Is4() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// failures counts wrong passwords per address.
type failures struct {
	mu sync.Mutex
	m  map[string]*failRecord
}

type failRecord struct {
	count int
	since time.Time // start of the current window
	until time.Time // refused until then; zero when not refused
}

// blocked returns how long key is still refused, 0 when it is not.
func (f *failures) blocked(key string, now time.Time) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rec := f.m[key]; rec != nil && now.Before(rec.until) {
		return rec.until.Sub(now)
	}
	return 0
}

// forget drops key's failures: it knows the password.
func (f *failures) forget(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, key)
}

// backoff is how late the answer to key's failure number n comes.
func backoff(n int) time.Duration {
	if n <= slowAfter {
		return 0
	}
	return min(firstDelay<<(n-slowAfter-1), maxDelay)
}

// count counts one wrong password from key and reports whether that just
// got it refused, and the failures in the current window.
func (f *failures) count(key string, now time.Time) (bool, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := f.m[key]
	if rec == nil {
		if len(f.m) >= maxTracked && !f.makeRoom(now) {
			// Every slot holds a refused address: this one is not tracked,
			// and still needs the password.
			return false, 0
		}
		rec = &failRecord{since: now}
		f.m[key] = rec
	}
	if now.Sub(rec.since) > failWindow {
		rec.count, rec.since = 0, now
	}
	rec.count++
	if rec.count < maxFailures {
		return false, rec.count
	}
	rec.count, rec.since, rec.until = 0, now.Add(blockFor), now.Add(blockFor)
	return true, maxFailures
}

// makeRoom drops the records that no longer matter and, if the table is
// still more than three quarters full, records not refused, in Go's random
// map order, down to three quarters: one scan makes room for many new
// addresses. It reports whether there is room. f.mu must be held.
func (f *failures) makeRoom(now time.Time) bool {
	for k, rec := range f.m {
		if !now.Before(rec.until) && now.Sub(rec.since) > failWindow {
			delete(f.m, k)
		}
	}
	for k, rec := range f.m {
		if len(f.m) <= maxTracked*3/4 {
			break
		}
		if !now.Before(rec.until) {
			delete(f.m, k)
		}
	}
	return len(f.m) < maxTracked
}

// tracked is how many addresses are remembered (for tests).
func (f *failures) tracked() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.m)
}
