package fileserver

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"shareit/transfer"
)

// Per-client control from the terminal: block, unblock, kick and a cap of
// a client's own beside the global --rate. A client is an IP address (the
// one the clients panel shows). Each action is logged through
// Tracker.Access, with its time.

// maxBlocked bounds the blocked addresses (denied ones from --ask too), so
// the table cannot grow without limit.
const maxBlocked = 4096

// errTooManyBlocked is why a block was refused.
var errTooManyBlocked = errors.New("too many blocked clients (" + strconv.Itoa(maxBlocked) + ")")

// control is the per-client decisions.
type control struct {
	mu      sync.Mutex
	blocked map[string]bool              // true: denied under --ask; false: blocked
	caps    map[string]*transfer.Limiter // a client's own cap
	nCaps   atomic.Int32                 // len(caps): no lock on the path of an uncapped body
	nBlock  atomic.Int32                 // len(blocked): no lock per request while nobody is blocked
}

// isBlocked reports whether client is refused.
func (c *control) isBlocked(client string) bool {
	if c.nBlock.Load() == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.blocked[client]
	return ok
}

// blockedText is the sentence a blocked client's page says.
func (c *control) blockedText(client string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocked[client] {
		return "The person sharing these files did not let this device in."
	}
	return "The person sharing these files has blocked this device."
}

// capOf is client's own limiter, nil when it has none.
func (c *control) capOf(client string) *transfer.Limiter {
	if c.nCaps.Load() == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps[client]
}

// block adds client, denied (under --ask) or blocked; it reports whether
// it was not blocked already.
func (c *control) block(client string, denied bool) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.blocked[client]; ok {
		return false, nil
	}
	if len(c.blocked) >= maxBlocked {
		return false, errTooManyBlocked
	}
	if c.blocked == nil {
		c.blocked = map[string]bool{}
	}
	c.blocked[client] = denied
	c.nBlock.Store(int32(len(c.blocked)))
	return true, nil
}

// Block refuses client from now on with a 403 page and stops its running
// transfers at their next chunk. Logged.
func (s *Server) Block(client string) error {
	added, err := s.control.block(client, false)
	if err != nil || !added {
		return err
	}
	n := s.tracker.CancelClient(client)
	s.tracker.Access(client, transfer.ActionBlock, "blocked "+client+stoppedText(n))
	return nil
}

// Unblock lets client in again (a denied one too: it is asked anew under
// --ask). It reports whether client was blocked. Logged.
func (s *Server) Unblock(client string) bool {
	c := &s.control
	c.mu.Lock()
	_, was := c.blocked[client]
	delete(c.blocked, client)
	c.nBlock.Store(int32(len(c.blocked)))
	c.mu.Unlock()
	if was {
		s.tracker.Access(client, transfer.ActionUnblock, "unblocked "+client)
	}
	return was
}

// IsBlocked reports whether client is blocked.
func (s *Server) IsBlocked(client string) bool { return s.control.isBlocked(client) }

// Blocked lists the blocked clients, sorted.
func (s *Server) Blocked() []string {
	c := &s.control
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.blocked))
	for k := range c.blocked {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Kick stops client's running transfers at their next chunk; it may come
// back. It returns how many were stopped. Logged.
func (s *Server) Kick(client string) int {
	n := s.tracker.CancelClient(client)
	s.tracker.Access(client, transfer.ActionKick, "kicked "+client+stoppedText(n))
	return n
}

// Throttle gives client a cap of its own in bytes per second, beside the
// global one (the lower wins); 0 removes it. Running transfers slow down
// at their next chunk. Logged.
func (s *Server) Throttle(client string, bps int64) {
	c := &s.control
	c.mu.Lock()
	if bps <= 0 {
		delete(c.caps, client)
	} else if l := c.caps[client]; l != nil {
		l.SetRate(bps)
	} else {
		if c.caps == nil {
			c.caps = map[string]*transfer.Limiter{}
		}
		c.caps[client] = transfer.NewLimiter(bps)
	}
	c.nCaps.Store(int32(len(c.caps)))
	c.mu.Unlock()
	text := "throttled " + client + " to " + transfer.FormatRate(bps)
	if bps <= 0 {
		text = "removed " + client + "'s own rate cap"
	}
	s.tracker.Access(client, transfer.ActionThrottle, text)
}

// ClientRate is client's own cap in bytes per second, 0 when it has none.
func (s *Server) ClientRate(client string) int64 {
	return s.control.capOf(client).Rate() // a nil *Limiter's Rate is 0
}

func stoppedText(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "; 1 transfer stopped"
	}
	return "; " + strconv.Itoa(n) + " transfers stopped"
}

// limited reports whether client's bodies go through a cap.
func (s *Server) limited(client string) bool {
	return s.access.limiter.Rate() > 0 || s.control.capOf(client) != nil
}

// take waits until client may move more bytes under its own cap and the
// global one, and returns how many of want it may move now.
func (s *Server) take(ctx context.Context, client string, want int64) (int64, error) {
	if own := s.control.capOf(client); own != nil {
		n, err := own.Take(ctx, client, want)
		if err != nil {
			return 0, err
		}
		want = n
	}
	return s.access.limiter.Take(ctx, client, want)
}

// burst is the most bytes take grants client at once, 0 without a cap.
func (s *Server) burst(client string) int64 {
	b := s.access.limiter.Burst()
	if own := s.control.capOf(client); own != nil {
		if ob := own.Burst(); b == 0 || ob < b {
			b = ob
		}
	}
	return b
}
