package fileserver

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
)

// seen is the local addresses connections came in on, and whether a
// request came by the mDNS name: which URLs people used. It is told once
// per connection, and per request only until the name was seen.
type seen struct {
	byName atomic.Bool // a request named the mDNS host (HOST.local) in its Host header

	mu     sync.Mutex
	locals map[netip.Addr]struct{} // local addresses connections came in on
}

// conn records a new connection.
func (s *seen) conn(c net.Conn) {
	local := addrOf(c.LocalAddr())
	if !local.IsValid() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locals == nil {
		s.locals = make(map[netip.Addr]struct{})
	}
	s.locals[local] = struct{}{}
}

// used reports whether a connection came in on local address a.
func (s *seen) used(a netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.locals[a]
	return ok
}

func addrOf(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(t.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// request notes a request that named host (its Host header) while the
// share is announced as local (HOST.local).
func (s *seen) request(host, local string) {
	if s.byName.Load() {
		return
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), local) {
		s.byName.Store(true)
	}
}
