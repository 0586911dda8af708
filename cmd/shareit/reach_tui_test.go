//go:build linux

package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"shareit/transfer/testkit"
)

// netnsIP runs ip with args against the namespace ns.
func netnsIP(t *testing.T, ns string, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("ip -n %s %s: %v\n%s", ns, strings.Join(args, " "), err, out)
	}
}

// TestURLsFollowTheNetwork runs shareit in a network namespace of its own
// with a LAN link that carries the default route (v0), a second physical
// looking one without it (eth9) and a Docker bridge (docker0, a veth
// here). The banner and the TUI list them in that order, docker0 marked
// virtual; the URL a client came in on is marked used; an address added
// while shareit runs shows in the list and the log within seconds, and so
// does its going.
func TestURLsFollowTheNetwork(t *testing.T) {
	ns := newNetns(t)
	netnsIP(t, ns, "route", "add", "default", "via", "192.0.2.254", "dev", nsLink)
	for _, l := range []struct{ name, addr string }{{"docker0", "172.17.0.1/16"}, {"eth9", "10.9.0.1/24"}} {
		// A veth pair, its peer left down (and so unlisted): the kernel
		// may have no dummy interfaces.
		netnsIP(t, ns, "link", "add", l.name, "type", "veth", "peer", "name", "p"+l.name)
		netnsIP(t, ns, "addr", "add", l.addr, "dev", l.name)
		netnsIP(t, ns, "link", "set", l.name, "up")
	}

	// Headless: the banner's order.
	p := startCmd(t, shareDir(t), exec.Command("ip", "netns", "exec", ns, bin, "--headless", "-p", "0"))
	port := strconv.Itoa(p.port())
	head, urls := p.banner()
	var got []string
	for _, u := range urls {
		got = append(got, u.label)
		if !strings.HasSuffix(u.url, ":"+port+"/") {
			t.Errorf("banner URL %s: not on the port shareit listens on, %s", u.url, port)
		}
	}
	if want := "v0 eth9 docker0 localhost"; strings.Join(got, " ") != want {
		t.Errorf("banner labels: got %q, want %q", strings.Join(got, " "), want)
	}
	if !slicesContainMatch(head, regexp.MustCompile(`172\.17\.0\.1.*docker0 \(virtual`)) {
		t.Errorf("banner: docker0 not marked virtual:\n%s", strings.Join(head, "\n"))
	}
	p.stop(syscall.SIGTERM)

	// The TUI.
	s := startSession(t, "ip", "netns", "exec", ns, bin, "-p", "0", shareDir(t))
	s.waitScreen("the default route's URL selected, first", regexp.MustCompile(`› v0 +http://192\.0\.2\.1:(\d+)/`))
	s.waitScreen("docker0 marked virtual", regexp.MustCompile(`docker0 +http://172\.17\.0\.1:\d+/ virtual`))
	port = s.waitScreen("the port", regexp.MustCompile(`http://192\.0\.2\.1:(\d+)/`))[1]

	// A client that comes in on v0's address marks its URL used.
	if out, err := exec.Command("ip", "netns", "exec", ns, "curl", "-sS", "-o", "/dev/null", "--max-time", "20",
		"http://192.0.2.1:"+port+"/").CombinedOutput(); err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	s.waitScreen("v0's URL marked used", regexp.MustCompile(`v0 +http://192\.0\.2\.1:`+port+`/ ✓ used`))

	netnsIP(t, ns, "addr", "add", "192.0.2.77/24", "dev", nsLink)
	s.waitScreen("the new address in the list", regexp.MustCompile(`v0 +http://192\.0\.2\.77:`+port+`/`))
	s.waitScreen("the log saying so", regexp.MustCompile(`\d\d:\d\d:\d\d network: http://192\.0\.2\.77:`+port+`/ \(v0[^)]*\) appeared`))

	netnsIP(t, ns, "addr", "del", "192.0.2.77/24", "dev", nsLink)
	s.waitScreen("the log saying it went", regexp.MustCompile(`\d\d:\d\d:\d\d network: http://192\.0\.2\.77:`+port+`/ \(v0[^)]*\) went away`))
	testkit.Eventually(t, waitFor, "the address gone from the list", func() bool {
		return !regexp.MustCompile(`v0 +http://192\.0\.2\.77`).MatchString(s.screen())
	})
}
