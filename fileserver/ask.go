package fileserver

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shareit/transfer"
)

// Approving new devices (--ask): a client's first request gets a page that
// says it waits for the person at the terminal, and the page asks
// /~ask every few seconds whether it may come in; once allowed, it reloads
// itself. No request waits on the server: the page and each poll are
// answered at once, so a waiting device holds no goroutine and no
// connection. A device is a client address and, with --secret, the
// browser its cookie names (Ask.Key). Denying blocks the address (Block).

const (
	askPath = "/~ask"
	// DefaultAskWait is how long a device waits for an answer; then its
	// page says nobody answered.
	DefaultAskWait = 2 * time.Minute
	// maxWaiting bounds the devices waiting at once; more are told to come
	// back later. maxAllowed bounds the devices let in.
	maxWaiting = 16
	maxAllowed = 4096
)

// Ask is a device waiting to be let in.
type Ask struct {
	Key    string    // the device: its address, or address#browser under --secret (Allow, Deny)
	Client string    // its address
	Device string    // what its User-Agent says it is (DeviceName)
	Since  time.Time // when it first asked
}

// asks is --ask's state.
type asks struct {
	on      bool
	wait    time.Duration // Config.AskWait
	mu      sync.Mutex
	allowed map[string]bool
	waiting map[string]*Ask
	nWait   atomic.Int32 // len(waiting), read without the lock by the TUI's ticks
}

// askState is what a device's request gets.
type askState int

const (
	askAllowed askState = iota
	askWaiting
	askExpired // asked, and nobody answered in time
	askFull    // too many waiting
)

// check returns client's state, registering it as waiting if it is new
// (ask; for a poll, an unknown device is an expired one). added is the new
// wait, nil if none; its fields never change once made.
func (a *asks) check(client, key, ua string, ask bool, now time.Time) (st askState, added *Ask) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.allowed[key] {
		return askAllowed, nil
	}
	if w := a.waiting[key]; w != nil {
		if now.Sub(w.Since) < a.wait {
			return askWaiting, nil
		}
		a.take(key)
	}
	if !ask {
		return askExpired, nil
	}
	a.expire(now)
	if len(a.waiting) >= maxWaiting {
		return askFull, nil
	}
	if a.waiting == nil {
		a.waiting = map[string]*Ask{}
	}
	added = &Ask{Key: key, Client: client, Device: DeviceName(ua), Since: now}
	a.waiting[key] = added
	a.nWait.Store(int32(len(a.waiting)))
	return askWaiting, added
}

// take removes key's wait and returns it, nil if it has none. a.mu must
// be held.
func (a *asks) take(key string) *Ask {
	w := a.waiting[key]
	delete(a.waiting, key)
	a.nWait.Store(int32(len(a.waiting)))
	return w
}

// expire drops the waits nobody answered in time. a.mu must be held.
func (a *asks) expire(now time.Time) {
	for k, w := range a.waiting {
		if now.Sub(w.Since) >= a.wait {
			delete(a.waiting, k)
		}
	}
	a.nWait.Store(int32(len(a.waiting)))
}

// Asking reports whether new devices must be let in (--ask).
func (s *Server) Asking() bool { return s.ask.on }

// Asks lists the devices waiting, the oldest first.
func (s *Server) Asks() []Ask {
	a := &s.ask
	if a.nWait.Load() == 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expire(time.Now())
	out := make([]Ask, 0, len(a.waiting))
	for _, w := range a.waiting {
		out = append(out, *w)
	}
	slices.SortFunc(out, func(x, y Ask) int { return x.Since.Compare(y.Since) })
	return out
}

// deviceKey is the device r comes from (Ask.Key).
func deviceKey(w *responseWriter) string {
	if w.device == "" {
		return w.client
	}
	return w.client + "#" + w.device
}

// keyClient is the address part of a device key.
func keyClient(key string) string {
	client, _, _ := strings.Cut(key, "#")
	return client
}

// who names client for the log, with its device if it was waiting (w).
func who(client string, w *Ask) string {
	if w == nil {
		return client
	}
	return client + " (" + w.Device + ")"
}

// Allow lets the device with key (Ask.Key, or an address) in; its waiting
// page continues by itself. It reports false when too many devices are
// allowed already. Logged.
func (s *Server) Allow(key string) bool {
	client := keyClient(key)
	a := &s.ask
	a.mu.Lock()
	w := a.take(key)
	if len(a.allowed) >= maxAllowed {
		a.mu.Unlock()
		return false
	}
	if a.allowed == nil {
		a.allowed = map[string]bool{}
	}
	a.allowed[key] = true
	a.mu.Unlock()
	s.tracker.Access(client, transfer.ActionAllow, "allowed "+who(client, w))
	return true
}

// Deny refuses the device with key (Ask.Key, or an address): its address
// is blocked (Unblock undoes it), and its page shows a 403. Logged.
func (s *Server) Deny(key string) error {
	client := keyClient(key)
	a := &s.ask
	a.mu.Lock()
	w := a.take(key)
	delete(a.allowed, key)
	a.mu.Unlock()
	if _, err := s.control.block(client, true); err != nil {
		return err
	}
	s.tracker.CancelClient(client)
	s.tracker.Access(client, transfer.ActionDeny, "denied "+who(client, w))
	return nil
}

// admitDevice is admit's --ask step: it lets an allowed device through,
// and answers everything else itself, returning false.
func (s *Server) admitDevice(w *responseWriter, r *http.Request) bool {
	poll := r.URL.Path == askPath
	st, added := s.ask.check(w.client, deviceKey(w), r.UserAgent(), !poll, time.Now())
	if added != nil {
		s.tracker.Access(w.client, transfer.ActionAsk, who(w.client, added)+" asks to come in: A allows, D denies")
	}
	h := w.Header()
	if poll {
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		var state string // a poll never registers, so never gets askFull
		switch st {
		case askAllowed:
			state = "allowed"
		case askWaiting:
			state = "waiting"
		case askExpired:
			state = "expired"
		}
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"state":"` + state + `"}` + "\n"))
		return false
	}
	switch st {
	case askAllowed:
		return true
	case askFull:
		h.Set("Retry-After", "30")
		s.errorMessage(w, r, http.StatusServiceUnavailable, "Too many devices are waiting to be let in. Try again in a minute.")
	default:
		// 503 with Retry-After: curl --retry and other tools come back
		// by themselves; the browser runs the page's script.
		h.Set("Retry-After", "5")
		h.Set("Cache-Control", "no-store")
		s.waitPage(w, r)
	}
	return false
}
