package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/brutella/dnssd"
	dnssdlog "github.com/brutella/dnssd/log"

	"shareit/fileserver"
)

// announcer publishes the share on the LAN with multicast DNS (RFC 6762)
// and DNS-SD (RFC 6763): a service "shareit on HOST" of type _http._tcp,
// and HOST.local answering with the addresses of the interfaces it is
// announced on. brutella/dnssd probes the names first, announces them, and
// says goodbye (records with TTL 0) when its context ends.
type announcer struct {
	rsp  dnssd.Responder
	host string // HOST.local, as probed
}

// startMDNS probes the names and prepares the responder; run announces
// them. It returns a nil announcer when on is false, or when ctx ends
// first. The probe takes about a second: the URL is only shown once the
// name is known to be ours.
func startMDNS(ctx context.Context, on bool, srv *fileserver.Server, bind string) (*announcer, error) {
	if !on {
		return nil, nil
	}
	// The library's informational log goes to stdout, behind the TUI's back;
	// its messages are about other hosts' malformed packets.
	dnssdlog.Info.SetOutput(io.Discard)

	var ifaces []string
	if ip, err := netip.ParseAddr(bind); err == nil && !ip.IsUnspecified() {
		name := ifaceWith(ip)
		if name == "" {
			return nil, fmt.Errorf("--mdns: no network interface has %s", bind)
		}
		ifaces = []string{name}
	}
	if len(dnssd.MulticastInterfaces(ifaces...)) == 0 {
		return nil, errors.New("--mdns: no network interface with multicast to announce on")
	}
	host := hostLabel()
	typ := "_http._tcp"
	if urls := srv.URLs(); len(urls) > 0 && strings.HasPrefix(urls[0].URL, "https:") {
		typ = "_https._tcp"
	}
	name := "shareit on " + host
	if len(name) > 63 { // a DNS label (RFC 6763 §4.1.1)
		name = name[:63]
	}
	svc, err := dnssd.NewService(dnssd.Config{
		Name:   name,
		Type:   typ,
		Host:   host,
		Port:   srv.Port(),
		Ifaces: ifaces,
		Text:   map[string]string{"path": "/"}, // the page to open: _http._tcp's "path" key
	})
	if err != nil {
		return nil, fmt.Errorf("--mdns: %w", err)
	}
	// Probing may rename the host (HOST-2) when another machine holds the
	// name; the responder probes again as it starts, and finds the same.
	probed, err := dnssd.ProbeService(ctx, svc)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil // interrupted: shareit is ending anyway
		}
		return nil, fmt.Errorf("--mdns: %w", err)
	}
	rsp, err := dnssd.NewResponder()
	if err != nil {
		return nil, fmt.Errorf("--mdns: %w", err)
	}
	if _, err := rsp.Add(probed); err != nil {
		return nil, fmt.Errorf("--mdns: %w", err)
	}
	a := &announcer{rsp: rsp, host: probed.Host + ".local"}
	srv.SetLocalName(a.host)
	return a, nil
}

// run answers queries until ctx ends, then says goodbye. A nil announcer
// does nothing.
func (a *announcer) run(ctx context.Context) error {
	if a == nil {
		return nil
	}
	err := a.rsp.Respond(ctx)
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("--mdns: %w", err)
}

// hostLabel is this machine's name as an mDNS host label: the first label
// of the host name, in lower case, with what a DNS label may not hold left
// out (RFC 1123). fileserver.HostLabel is that rule, so the --tls
// certificate names the same host.
func hostLabel() string {
	name, err := os.Hostname()
	if err != nil {
		name = ""
	}
	return fileserver.HostLabel(name)
}

// ifaceWith names the network interface that has ip, or "".
func ifaceWith(ip netip.Addr) string {
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				if got, ok := netip.AddrFromSlice(ipn.IP); ok && got.Unmap() == ip.Unmap() {
					return ifc.Name
				}
			}
		}
	}
	return ""
}
