package fileserver

import (
	"net/netip"
	"slices"
	"strings"
)

// ifaceAddr is one address of one network interface, as the ranking sees
// it: made from net.Interfaces on the running system, made up in tests.
type ifaceAddr struct {
	Name  string // the interface's name as the system spells it: "eth0", "en0", "Wi-Fi"
	Addr  netip.Addr
	P2P   bool // a point-to-point link: VPN tunnels are
	Index int  // the interface's index; ties keep the system's order
}

// route is what carries this machine's default route: the interface's
// name when the system's table says it (Linux), else the source address
// the kernel would pick for a packet to the internet. Either may be zero.
type route struct {
	Iface string
	Addr  netip.Addr
}

// rankedAddr is an address placed by rankAddrs.
type rankedAddr struct {
	ifaceAddr
	Route   bool // it carries the default route: the one a phone on the same Wi-Fi reaches
	Virtual bool // a container bridge, VM host adapter or VPN tunnel: phones rarely reach it
}

// rankAddrs orders the LAN addresses a phone may be given: the one on the
// interface that carries the default route first, other physical adapters
// next, and virtual adapters (containers, VMs, VPNs) last, each marked.
// A default route through a VPN tunnel does not lift the tunnel: a phone
// beside the computer is on the physical network, not in the tunnel.
func rankAddrs(addrs []ifaceAddr, r route) []rankedAddr {
	out := make([]rankedAddr, 0, len(addrs))
	for _, a := range addrs {
		x := rankedAddr{ifaceAddr: a, Virtual: a.P2P || virtualName(a.Name)}
		x.Route = !x.Virtual && (a.Addr == r.Addr || (r.Iface != "" && a.Name == r.Iface))
		out = append(out, x)
	}
	rank := func(x rankedAddr) int {
		switch {
		case x.Route:
			return 0
		case !x.Virtual:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b rankedAddr) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return a.Index - b.Index
	})
	return out
}

// Names of virtual adapters, by system. Linux and the BSDs name them by a
// prefix (docker0, br-1a2b, virbr0, veth12ab, tun0, wg0, tailscale0,
// ztabcdef, vboxnet0, vmnet1); macOS too (utun3, bridge100 for VMs, vmenet0,
// awdl0 and llw0 for AirDrop). Windows names adapters in words: "vEthernet
// (WSL)" and "vEthernet (Default Switch)" for Hyper-V, "VirtualBox
// Host-Only Network", "VMware Network Adapter VMnet8", "Tailscale",
// "ZeroTier One [8056c2e21c000001]", "OpenVPN TAP-Windows6", a WireGuard
// tunnel by its config's name (which only P2P gives away).
var (
	virtualPrefixes = []string{
		"docker", "br-", "virbr", "veth", "vnet", "tun", "tap", "utun", "wg", "tailscale", "zt",
		"vboxnet", "vmnet", "vmenet", "bridge1", "awdl", "llw", "lxcbr", "lxdbr", "cni", "flannel",
		"podman", "cali", "vxlan", "ppp", "ipsec", "gif", "stf", "anpi",
	}
	virtualWords = []string{
		"vethernet", "hyper-v", "virtualbox", "vmware", "tailscale", "zerotier", "wireguard",
		"openvpn", "tap-windows", "wintun", "docker", "wsl", "nordlynx", "vpn",
	}
)

// virtualName reports whether an interface's name is a virtual adapter's.
func virtualName(name string) bool {
	n := strings.ToLower(name)
	for _, p := range virtualPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	if !strings.ContainsAny(n, " ()-") {
		// A Unix-style name: the prefixes decide, so "wlan0" or "en0"
		// never match a word by accident.
		return false
	}
	for _, w := range virtualWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
