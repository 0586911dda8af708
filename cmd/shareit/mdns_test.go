//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"shareit/fileserver"
)

// The mDNS test runs shareit inside a network namespace it makes: a veth
// pair whose one end, v0, has 192.0.2.1 (TEST-NET-1, RFC 5737) and
// multicast, and whose other end has neither. Every packet — shareit's
// announcements, the test's queries, the answers, the goodbyes, the HTTP
// request — stays inside that namespace: nothing reaches a real network.
// Network namespaces are Linux's, hence the build tag.

// Addresses inside the test's namespace.
const (
	nsAddr = "192.0.2.1"
	nsLink = "v0"
)

var mdnsGroup = &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: 5353}

var netnsSeq atomic.Int64

// newNetns makes a network namespace for the test, deleted when it ends.
func newNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test makes a network namespace (ip netns add), which needs root; the tests run as root in CI")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatal("this test needs ip from iproute2 (make deps installs it):", err)
	}
	name := fmt.Sprintf("shareit-test-%d-%d", os.Getpid(), netnsSeq.Add(1))
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ip("netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "delete", name).Run() })
	ip("-n", name, "link", "set", "lo", "up")
	ip("-n", name, "link", "add", nsLink, "type", "veth", "peer", "name", "v1")
	ip("-n", name, "addr", "add", nsAddr+"/24", "dev", nsLink)
	// One interface on the link: with both ends announcing, each would hear
	// the other's addresses for the same name.
	ip("-n", name, "link", "set", "v1", "multicast", "off")
	ip("-n", name, "link", "set", nsLink, "up")
	ip("-n", name, "link", "set", "v1", "up")
	return name
}

// inNetns runs f on an OS thread moved into the namespace ns: sockets f
// opens belong to ns for good. The thread is never unlocked, so it ends
// with its goroutine instead of going back to the runtime in ns.
func inNetns(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open the namespace: %w", err)
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("enter the namespace: %w", err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// TestMDNS: with --mdns, shareit announces the share inside a test network
// namespace. A real mDNS query finds the service (its port and target host)
// and HOST.local's address; the .local URL comes first in the banner and
// works; on SIGTERM shareit says goodbye and exits 0.
func TestMDNS(t *testing.T) {
	ns := newNetns(t)
	var query *net.UDPConn  // one-shot queries (RFC 6762 §5.1): answered by unicast
	var listen *net.UDPConn // the group on v0: announcements and goodbyes
	err := inNetns(ns, func() error {
		ifc, err := net.InterfaceByName(nsLink)
		if err != nil {
			return err
		}
		if listen, err = net.ListenMulticastUDP("udp4", ifc, mdnsGroup); err != nil {
			return err
		}
		if query, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4zero}); err != nil {
			return err
		}
		return ipv4.NewPacketConn(query).SetMulticastInterface(ifc)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer query.Close()
	defer listen.Close()

	host := fileserver.HostLabel(hostname(t))
	p := startCmd(t, shareDir(t), exec.Command("ip", "netns", "exec", ns, bin, "--headless", "--mdns", "-p", "0"))
	port := p.port()
	_, urls := p.banner()
	want := bannerURL{"http://" + host + ".local:" + strconv.Itoa(port) + "/", "mDNS"}
	if len(urls) == 0 || urls[0] != want {
		t.Errorf("banner URLs: got %+v, want %+v first", urls, want)
	}

	service := "_http._tcp.local."
	instance := "shareit on " + host
	browse := ask(t, query, service, dns.TypePTR)
	ptr, srv := findRR[*dns.PTR](browse.Answer), findRR[*dns.SRV](browse.Extra)
	if ptr == nil || !strings.HasPrefix(unescapeName(ptr.Ptr), instance+"."+service) {
		t.Errorf("PTR %s: got %v, want the instance %q", service, browse.Answer, instance)
	}
	if srv == nil || srv.Port != uint16(port) || !strings.EqualFold(srv.Target, host+".local.") {
		t.Errorf("SRV of %q: got %v, want port %d on %s.local.", instance, srv, port, host)
	}
	addr := ask(t, query, host+".local.", dns.TypeA)
	t.Logf("banner URLs: %v\nbrowsing %s:\n%v\nresolving %s.local.:\n%v", urls, service, browse, host, addr)
	a := findRR[*dns.A](addr.Answer)
	if a == nil || a.A.String() != nsAddr {
		t.Errorf("A %s.local.: got %v, want %s", host, addr.Answer, nsAddr)
	}

	// The .local URL, with the address mDNS gave, reaches the share.
	out, err := exec.Command("ip", "netns", "exec", ns, "curl", "-s", "--max-time", "20",
		"--resolve", host+".local:"+strconv.Itoa(port)+":"+nsAddr, want.url+"a.txt").CombinedOutput()
	if err != nil || string(out) != "hello, a\n" {
		t.Errorf("curl %sa.txt: got %q, %v, want %q", want.url, out, err, "hello, a\n")
	}

	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM: got %d, want 0", code)
	}
	if !sawGoodbye(t, listen, service) {
		t.Errorf("no goodbye (PTR %s with TTL 0) after SIGTERM", service)
	}
}

func hostname(t *testing.T) string {
	t.Helper()
	name, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// ask sends a one-shot mDNS query for name from conn's ephemeral port,
// again every half second, until an answer comes or waitFor passes: the
// names are answered once shareit has probed them.
func ask(t *testing.T, conn *net.UDPConn, name string, qtype uint16) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = false
	q.Id = dns.Id()
	packed, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitFor)
	buf := make([]byte, 9000)
	for time.Now().Before(deadline) {
		if _, err := conn.WriteToUDP(packed, mdnsGroup); err != nil {
			t.Fatalf("sending the query for %s: %v", name, err)
		}
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		for {
			n, _, err := conn.ReadFromUDP(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			if err != nil {
				t.Fatalf("reading the answer for %s: %v", name, err)
			}
			m := new(dns.Msg)
			if m.Unpack(buf[:n]) == nil && m.Response && m.Id == q.Id && len(m.Answer) > 0 {
				return m
			}
		}
	}
	t.Fatalf("no answer for %s (%s) within %v", name, dns.TypeToString[qtype], waitFor)
	return nil
}

// sawGoodbye reads the group until a goodbye for service comes.
func sawGoodbye(t *testing.T, conn *net.UDPConn, service string) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(waitFor))
	buf := make([]byte, 9000)
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			return false
		}
		m := new(dns.Msg)
		if m.Unpack(buf[:n]) != nil || !m.Response {
			continue
		}
		for _, rr := range m.Answer {
			if ptr, ok := rr.(*dns.PTR); ok && strings.EqualFold(ptr.Hdr.Name, service) && ptr.Hdr.Ttl == 0 {
				return true
			}
		}
	}
}

func findRR[T dns.RR](rrs []dns.RR) T {
	var zero T
	for _, rr := range rrs {
		if v, ok := rr.(T); ok {
			return v
		}
	}
	return zero
}

// unescapeName undoes the escapes of a DNS name's presentation form
// ("shareit\ on\ box._http._tcp.local.").
func unescapeName(s string) string {
	return strings.ReplaceAll(s, `\ `, " ")
}
