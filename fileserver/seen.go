package fileserver

import (
	"net"
	"net/netip"
	"sync"
)

// seen is the local addresses connections came in on: which URLs people
// used. It is told once per connection, never per request or per byte.
type seen struct {
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
