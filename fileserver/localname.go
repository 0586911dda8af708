package fileserver

import (
	"net"
	"strconv"
)

// SetLocalName records the host name the share is announced under with
// mDNS (HOST.local): its URL comes first in URLs, as the one that keeps
// working when the LAN address changes. "" removes it.
func (s *Server) SetLocalName(host string) {
	if host == "" {
		s.local.Store(nil)
		return
	}
	s.local.Store(&host)
}

// localURLs is the announced name's URL, or nothing.
func (s *Server) localURLs(scheme string, port int) []URL {
	host := s.local.Load()
	if host == nil {
		return nil
	}
	return []URL{{Label: "mDNS", URL: scheme + "://" + net.JoinHostPort(*host, strconv.Itoa(port)) + "/"}}
}
