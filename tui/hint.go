package tui

import (
	"net"
	"net/netip"
	"net/url"
	"time"
)

// sawClient notes a request's client: one that is neither this computer's
// loopback nor one of its own addresses shows that phones get through.
func (m *Model) sawClient(client string) {
	if m.othersSeen {
		return
	}
	ip, err := netip.ParseAddr(client)
	if err != nil || ip.IsLoopback() {
		return
	}
	for _, u := range m.urls.urls {
		if host, _, _ := hostPort(u.URL); host == ip.Unmap().String() {
			return
		}
	}
	m.othersSeen = true
	m.clients.hint = ""
}

// checkReach says, once, what usually blocks phones when no other device
// made a request by hintAt.
func (m *Model) checkReach(now time.Time) {
	if m.othersSeen || m.hinted || now.Before(m.hintAt) || !m.listening {
		return
	}
	m.hinted = true
	port := ""
	if u, ok := m.urls.selected(); ok {
		_, port, _ = hostPort(u.URL)
	}
	m.log.addNotice(now, "no other device has connected yet. "+blockedHint(m.goos, port))
	m.clients.hint = "no other device yet: a firewall, a guest Wi-Fi or a VPN? (see the log)"
}

// hostPort is the host and port of a URL.
func hostPort(raw string) (host, port string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", false
	}
	host, port, err = net.SplitHostPort(u.Host)
	return host, port, err == nil
}

// blockedHint says what usually keeps phones out, in the words of the
// system shareit runs on (a runtime.GOOS value): its firewall, a guest
// Wi-Fi that keeps devices apart, a VPN. port is the share's port, "" when
// unknown.
func blockedHint(goos, port string) string {
	p := port
	if p == "" {
		p = "the port"
	}
	var firewall string
	switch goos {
	case "windows":
		firewall = "Windows Defender Firewall may block shareit: allow it for private networks " +
			"(Windows Security › Firewall & network protection › Allow an app through firewall), " +
			"and set this Wi-Fi to Private in Settings › Network & internet."
	case "darwin":
		firewall = "The macOS Firewall may block shareit: in System Settings › Network › Firewall › Options, " +
			"allow incoming connections for shareit."
	case "linux":
		firewall = "A firewall may block port " + p + ": sudo ufw allow " + p + "/tcp (Ubuntu, Debian), " +
			"or sudo firewall-cmd --add-port=" + p + "/tcp (Fedora, RHEL)."
	case "freebsd":
		firewall = "A firewall (pf or ipfw) may block port " + p + ": pass TCP to it in /etc/pf.conf or the ipfw rules."
	default:
		firewall = "A firewall on this computer may block port " + p + ": allow incoming TCP connections to it."
	}
	return firewall + " A guest Wi-Fi often keeps devices apart: join the phone to the same main network. " +
		"A VPN on the phone or on this computer takes the traffic elsewhere: turn it off to try. " +
		"The phone needs a URL from the top of the list, not a virtual one."
}
