package fileserver

import (
	"net"
	"net/netip"
)

// routeProbe is where sourceRoute pretends to send: an address of the
// internet no LAN uses (TEST-NET-3, RFC 5737), so the kernel picks the
// default route for it.
const routeProbe = "203.0.113.1:9"

// sourceRoute finds the default route the portable way: "connecting" a UDP
// socket sends nothing, it only asks the kernel which source address a
// packet to routeProbe would leave from, which is the address of the
// interface that carries the default route. No packet leaves the machine.
// The zero route when there is none (no network, or no default route).
func sourceRoute() route {
	c, err := net.Dial("udp4", routeProbe)
	if err != nil {
		return route{}
	}
	defer c.Close()
	if a, ok := c.LocalAddr().(*net.UDPAddr); ok {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			return route{Addr: ip.Unmap()}
		}
	}
	return route{}
}
