package fileserver

import (
	"net"
	"strconv"
	"strings"
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
	return []URL{{Label: "mDNS", URL: scheme + "://" + net.JoinHostPort(*host, strconv.Itoa(port)) + "/", Used: s.seen.byName.Load()}}
}

// HostLabel is the label a machine called host is announced as with mDNS
// (HOST.local), and named as in the --tls certificate: the host name's first
// label in lower case (names match case-insensitively), with spaces and
// underscores as hyphens and what a DNS label may not hold left out
// (RFC 1123); "shareit" when nothing is left.
func HostLabel(host string) string {
	host, _, _ = strings.Cut(host, ".")
	var b strings.Builder
	for _, r := range strings.ToLower(host) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '_':
			if b.Len() > 0 {
				b.WriteByte('-')
			}
		}
	}
	label := strings.TrimRight(b.String(), "-")
	if len(label) > 63 {
		label = strings.TrimRight(label[:63], "-")
	}
	if label == "" {
		return "shareit"
	}
	return label
}
