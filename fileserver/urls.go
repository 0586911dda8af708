package fileserver

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
)

// URL is one address people can open, labelled by the network interface it
// is on ("eth0", "wlan0"), or "localhost".
type URL struct {
	Label string
	URL   string
	// Route marks the address on the interface that carries the default
	// route: the one a phone on the same network most likely reaches.
	Route bool
	// Virtual marks a container bridge, VM host adapter or VPN tunnel.
	Virtual bool
	// Used is set once a connection came in on this URL's address.
	Used bool
}

// URLs lists the URLs the server answers on: one per LAN address when bound
// to every interface (IPv4, which is what phones and browsers are given),
// ranked by rankAddrs (the default route's first, virtual adapters last),
// the bound address otherwise, and the loopback URL last when it is
// reachable; first, the HOST.local name when the share is announced with
// mDNS. With --secret, each carries the token; when one file is shared
// alone, they point straight at it. It asks the system for its
// interfaces: call it every few seconds, not per request.
func (s *Server) URLs() []URL { return s.ShareURLs(s.AddrURLs()) }

// ShareURLs points the address URLs base (AddrURLs) at what is shared now:
// the secret token, the file shared alone. It asks the system nothing, so
// a new token or a change of what is shared shows at once.
func (s *Server) ShareURLs(base []URL) []URL {
	urls := slices.Clone(base)
	suffix := s.secretPath()
	if top := s.root.Load(); top.items == nil && top.file != "" {
		if suffix != "" {
			suffix += "/"
		}
		suffix += pathEscape(top.file)
	}
	if suffix != "" {
		for i := range urls {
			urls[i].URL += suffix
		}
	}
	return urls
}

// AddrURLs is URLs for the addresses alone, without what is shared: what
// the network watcher compares, and the base of every link.
func (s *Server) AddrURLs() []URL {
	addr, err := netip.ParseAddrPort(s.Addr())
	if err != nil {
		return nil
	}
	port := int(addr.Port())
	scheme := s.scheme() // http or https
	bound := addr.Addr().Unmap()
	ifaces, _ := net.Interfaces()
	urls := s.localURLs(scheme, port) // HOST.local first
	if bound.IsUnspecified() {
		var lan []ifaceAddr
		for _, ifc := range ifaces {
			if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
				continue
			}
			for _, a := range ifaceAddrs(ifc) {
				if a.Is4() && !a.IsLinkLocalUnicast() {
					lan = append(lan, ifaceAddr{Name: ifc.Name, Addr: a, P2P: ifc.Flags&net.FlagPointToPoint != 0, Index: len(lan)})
				}
			}
		}
		for _, a := range rankAddrs(lan, defaultRoute()) {
			urls = append(urls, URL{Label: a.Name, URL: httpURL(scheme, a.Addr, port), Route: a.Route, Virtual: a.Virtual, Used: s.seen.used(a.Addr)})
		}
		loop := netip.AddrFrom4([4]byte{127, 0, 0, 1})
		return append(urls, URL{Label: "localhost", URL: httpURL(scheme, loop, port), Used: s.seen.used(loop)})
	}
	label := "localhost"
	if !bound.IsLoopback() {
		label = ifaceOf(ifaces, bound)
	}
	return append(urls, URL{Label: label, URL: httpURL(scheme, bound, port), Used: s.seen.used(bound)})
}

func ifaceAddrs(ifc net.Interface) []netip.Addr {
	addrs, err := ifc.Addrs()
	if err != nil {
		return nil
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out
}

// ifaceOf names the interface that has ip, or "" when none has.
func ifaceOf(ifaces []net.Interface, ip netip.Addr) string {
	for _, ifc := range ifaces {
		for _, a := range ifaceAddrs(ifc) {
			if a == ip {
				return ifc.Name
			}
		}
	}
	return ""
}

func httpURL(scheme string, a netip.Addr, port int) string {
	return scheme + "://" + net.JoinHostPort(a.String(), strconv.Itoa(port)) + "/"
}
