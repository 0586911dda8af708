package fileserver

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// rankedNames shows a ranking as "name addr [route] [virtual]" lines.
func rankedNames(got []rankedAddr) []string {
	var out []string
	for _, a := range got {
		s := a.Name + " " + a.Addr.String()
		if a.Route {
			s += " route"
		}
		if a.Virtual {
			s += " virtual"
		}
		out = append(out, s)
	}
	return out
}

func table(rows ...string) []ifaceAddr {
	var out []ifaceAddr
	for i, r := range rows {
		name, addr, _ := strings.Cut(r, "=")
		p2p := strings.HasSuffix(addr, "!")
		out = append(out, ifaceAddr{Name: name, Addr: netip.MustParseAddr(strings.TrimSuffix(addr, "!")), P2P: p2p, Index: i})
	}
	return out
}

func TestRankAddrs(t *testing.T) {
	tests := []struct {
		name  string
		addrs []ifaceAddr
		route route
		want  []string
	}{
		{
			name: "linux: docker and libvirt first in the system's order, wifi has the route",
			addrs: table("docker0=172.17.0.1", "br-3f2a9c1d=172.18.0.1", "virbr0=192.168.122.1",
				"veth1a2b3c=169.254.3.3", "enp3s0=10.1.0.7", "wlp2s0=192.168.1.23"),
			route: route{Iface: "wlp2s0"},
			want: []string{"wlp2s0 192.168.1.23 route", "enp3s0 10.1.0.7",
				"docker0 172.17.0.1 virtual", "br-3f2a9c1d 172.18.0.1 virtual",
				"virbr0 192.168.122.1 virtual", "veth1a2b3c 169.254.3.3 virtual"},
		},
		{
			name:  "linux: a VPN holds the default route, the LAN still comes first",
			addrs: table("tun0=10.8.0.2!", "wg0=10.9.0.2!", "tailscale0=100.101.102.103", "zt7nnig26=10.147.17.5", "eth0=192.168.0.10"),
			route: route{Iface: "tun0"},
			want: []string{"eth0 192.168.0.10", "tun0 10.8.0.2 virtual", "wg0 10.9.0.2 virtual",
				"tailscale0 100.101.102.103 virtual", "zt7nnig26 10.147.17.5 virtual"},
		},
		{
			name:  "linux: a bridge over the real NIC (br0) is the LAN",
			addrs: table("br0=192.168.1.5", "vnet0=192.168.1.200"),
			route: route{Iface: "br0"},
			want:  []string{"br0 192.168.1.5 route", "vnet0 192.168.1.200 virtual"},
		},
		{
			name: "macos: the route by source address, utun and VM bridges last",
			addrs: table("utun3=100.64.0.4!", "en0=192.168.1.40", "bridge100=192.168.64.1",
				"en5=10.0.0.20", "vmenet0=192.168.65.2", "awdl0=10.9.9.9"),
			route: route{Addr: netip.MustParseAddr("10.0.0.20")},
			want: []string{"en5 10.0.0.20 route", "en0 192.168.1.40", "utun3 100.64.0.4 virtual",
				"bridge100 192.168.64.1 virtual", "vmenet0 192.168.65.2 virtual", "awdl0 10.9.9.9 virtual"},
		},
		{
			name: "windows: Hyper-V, WSL, VirtualBox and VMware adapters last",
			addrs: table("vEthernet (Default Switch)=172.29.64.1", "vEthernet (WSL)=172.20.16.1",
				"VirtualBox Host-Only Network=192.168.56.1", "VMware Network Adapter VMnet8=192.168.80.1",
				"Ethernet 2=10.0.0.5", "Wi-Fi=192.168.1.77", "Tailscale=100.88.1.2",
				"ZeroTier One [8056c2e21c000001]=10.147.20.3", "OpenVPN TAP-Windows6=10.8.0.6"),
			route: route{Addr: netip.MustParseAddr("192.168.1.77")},
			want: []string{"Wi-Fi 192.168.1.77 route", "Ethernet 2 10.0.0.5",
				"vEthernet (Default Switch) 172.29.64.1 virtual", "vEthernet (WSL) 172.20.16.1 virtual",
				"VirtualBox Host-Only Network 192.168.56.1 virtual",
				"VMware Network Adapter VMnet8 192.168.80.1 virtual", "Tailscale 100.88.1.2 virtual",
				"ZeroTier One [8056c2e21c000001] 10.147.20.3 virtual", "OpenVPN TAP-Windows6 10.8.0.6 virtual"},
		},
		{
			name:  "windows: a WireGuard tunnel named after its config is told by point-to-point",
			addrs: table("office=10.6.0.2!", "Ethernet=192.168.2.9"),
			route: route{Addr: netip.MustParseAddr("10.6.0.2")},
			want:  []string{"Ethernet 192.168.2.9", "office 10.6.0.2 virtual"},
		},
		{
			name:  "no default route: the system's order, virtual last",
			addrs: table("docker0=172.17.0.1", "eth1=10.0.0.2", "eth0=10.0.1.2"),
			want:  []string{"eth1 10.0.0.2", "eth0 10.0.1.2", "docker0 172.17.0.1 virtual"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rankedNames(rankAddrs(tt.addrs, tt.route))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestVirtualName(t *testing.T) {
	for name, want := range map[string]bool{
		"eth0": false, "wlan0": false, "en0": false, "enp0s31f6": false, "wlp2s0": false, "br0": false,
		"Wi-Fi": false, "Ethernet": false, "Ethernet 3": false, "WLAN": false, "bridge0": false,
		"docker0": true, "br-0a1b2c": true, "virbr0": true, "veth9f8e": true, "tun0": true,
		"utun4": true, "wg0": true, "tailscale0": true, "zt3jnkd5": true, "vboxnet0": true,
		"vmnet8": true, "vEthernet (WSL (Hyper-V firewall))": true, "Tailscale": true,
		"VMware Network Adapter VMnet1": true, "VirtualBox Host-Only Ethernet Adapter": true,
	} {
		if got := virtualName(name); got != want {
			t.Errorf("virtualName(%q) = %v, want %v", name, got, want)
		}
	}
}

// The portable way agrees with the system's route table: the source
// address it finds is on the interface the table names.
func TestSourceRoute(t *testing.T) {
	r, d := sourceRoute(), defaultRoute()
	if d.Iface == "" {
		if d.Addr != r.Addr {
			t.Errorf("defaultRoute %+v, sourceRoute %+v", d, r)
		}
		return
	}
	ifc, err := net.InterfaceByName(d.Iface)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ifaceAddrs(*ifc), r.Addr) {
		t.Errorf("sourceRoute gave %v, not an address of %s (%v), the route table's", r.Addr, d.Iface, ifaceAddrs(*ifc))
	}
}
