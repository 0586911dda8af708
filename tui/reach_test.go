package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// The URL on the default route is selected first, so its code is the one
// a phone scans, even when it is not the first in the list (mDNS is).
func TestSelectsTheDefaultRoute(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.urls = []URL{
		{Label: "mDNS", URL: "http://ada.local:8000/"},
		{Label: "eth0", URL: "http://192.168.1.23:8000/"},
		{Label: "wlan0", URL: "http://10.0.0.7:8000/", Route: true},
		{Label: "localhost", URL: "http://127.0.0.1:8000/"},
	}
	m, _ := newTest(t, ctrl, 120, 40)
	if u, _ := m.urls.selected(); u.URL != "http://10.0.0.7:8000/" || m.urls.qrFor != u.URL {
		t.Fatalf("selected %q with the code of %q, want the default route's http://10.0.0.7:8000/", u.URL, m.urls.qrFor)
	}

	// The user picks another; a network change keeps it.
	m = update(t, m, press("shift+tab"), press("g"))
	ctrl.mu.Lock()
	ctrl.urls = append(ctrl.urls[:3:3], URL{Label: "tun0", URL: "http://10.8.0.2:8000/", Virtual: true}, ctrl.urls[3])
	ctrl.mu.Unlock()
	m = update(t, m, tickMsg{})
	if u, _ := m.urls.selected(); u.URL != "http://ada.local:8000/" {
		t.Fatalf("after the network changed, selected %q, want the user's http://ada.local:8000/", u.URL)
	}

	// The selected URL goes away: back to the default route's.
	ctrl.mu.Lock()
	ctrl.urls = ctrl.urls[1:]
	ctrl.mu.Unlock()
	m = update(t, m, tickMsg{})
	if u, _ := m.urls.selected(); u.URL != "http://10.0.0.7:8000/" {
		t.Fatalf("the selected URL went away: selected %q, want the default route's", u.URL)
	}
	view := ansi.Strip(m.View().Content)
	if !strings.Contains(view, "http://10.8.0.2:8000/ virtual") {
		t.Errorf("the new VPN address is not shown, marked virtual:\n%s", view)
	}
}

// At 80x24 the code has no room: the panel says how to see it, `v` shows
// it full screen, esc closes it, and ↑/↓ there pick another URL.
func TestQRFullScreen(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, busy())
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "QR hidden — press v") {
		t.Fatalf("80x24: the screen does not say the code is hidden:\n%s", v)
	}
	m = update(t, m, press("v"))
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "▀▀▀▀▀▀▀▀▀▀") || !strings.Contains(v, "http://192.168.1.23:8000/") {
		t.Fatalf("v: no full-screen code:\n%s", v)
	}
	m = update(t, m, press("down"))
	if m.mode != modeQR || m.urls.qrFor != "http://10.0.0.7:8000/" {
		t.Fatalf("down on the code: mode %v, code of %q; want the next URL's, still full screen", m.mode, m.urls.qrFor)
	}
	m = update(t, m, press("esc"))
	if m.mode != modeMain {
		t.Fatalf("esc: mode %v, want the main screen", m.mode)
	}
	// esc did not clear anything else, and q on the code closes it rather
	// than quitting.
	m, cmd := send(t, update(t, m, press("v")), press("q"))
	if m.mode != modeMain || isQuit(cmd) {
		t.Fatalf("q on the code: mode %v, quit %v; want it closed, still running", m.mode, isQuit(cmd))
	}
}

func TestEscClosesHelp(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 120, 40)
	m = update(t, m, busy(), press("/"), press("x"), press("enter"), press("?"))
	if !m.help.ShowAll {
		t.Fatal("? did not open the full help")
	}
	m = update(t, m, press("esc"))
	if m.help.ShowAll || m.filter != "x" {
		t.Fatalf("esc with the help open: help %v, filter %q; want the help closed, the filter kept", m.help.ShowAll, m.filter)
	}
	m = update(t, m, press("esc"))
	if m.filter != "" {
		t.Fatalf("second esc: filter %q, want it cleared", m.filter)
	}
}

// With --tls, `f` shows the whole fingerprint and how to check it.
func TestFingerprintScreen(t *testing.T) {
	const fp = "3A:4F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA"
	c := &clock{t: t0}
	m := New(newFakeCtrl(), nil, Options{Version: "1.0.0", Now: c.Now, Started: t0, Fingerprint: fp})
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, busy(), press("f"))
	if m.mode != modeFingerprint {
		t.Fatalf("f: mode %v, want the fingerprint", m.mode)
	}
	golden.RequireEqual(t, render(t, m, colorprofile.Ascii))
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"3A:4F:00:11:22:33:44:55", "98:BA", "check"} {
		if !strings.Contains(v, want) {
			t.Errorf("fingerprint screen lacks %q:\n%s", want, v)
		}
	}
	if m = update(t, m, press("esc")); m.mode != modeMain {
		t.Fatalf("esc: mode %v, want the main screen", m.mode)
	}

	// Without TLS there is nothing to show.
	m, _ = newTest(t, newFakeCtrl(), 80, 24)
	if m = update(t, m, press("f")); m.mode != modeMain {
		t.Fatalf("f without TLS: mode %v, want the main screen", m.mode)
	}
}

// When no other device came within HintAfter, the log says what usually
// blocks phones, in the system's words; a device that came prevents it.
func TestBlockedHint(t *testing.T) {
	for _, tt := range []struct {
		goos, want string
	}{
		{"windows", "Windows Defender Firewall"},
		{"darwin", "System Settings › Network › Firewall"},
		{"linux", "sudo ufw allow 8000/tcp"},
		{"freebsd", "pf or ipfw"},
		{"plan9", "allow incoming TCP connections"},
	} {
		t.Run(tt.goos, func(t *testing.T) {
			c := &clock{t: t0}
			m := New(newFakeCtrl(), nil, Options{Now: c.Now, Started: t0, HintAfter: 5 * time.Second, GOOS: tt.goos})
			m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
			// This computer's own requests, by loopback and by its LAN
			// address, do not count.
			m = update(t, m, events(logEvent("127.0.0.1", "GET", "/", 200, 0), logEvent("192.168.1.23", "GET", "/", 200, 0)))
			c.t = c.t.Add(4 * time.Second)
			m = update(t, m, tickMsg{})
			if v := ansi.Strip(m.View().Content); strings.Contains(v, "no other device") {
				t.Fatalf("hint before HintAfter:\n%s", v)
			}
			c.t = c.t.Add(time.Second)
			m = update(t, m, tickMsg{}, tickMsg{})
			v := ansi.Strip(m.View().Content)
			if !strings.Contains(v, "no other device has connected yet") || !strings.Contains(strings.Join(strings.Fields(v), " "), tt.want) {
				t.Fatalf("after HintAfter, no hint with %q:\n%s", tt.want, v)
			}
			if n := strings.Count(v, "no other device has connected yet"); n != 1 {
				t.Errorf("the hint is logged %d times, want once", n)
			}
			// A phone comes: the clients panel stops hinting.
			m = update(t, m, events(logEvent("192.168.1.50", "GET", "/", 200, 0)))
			if strings.Contains(m.clients.View(), "firewall") {
				t.Errorf("a phone came, the clients panel still hints")
			}
		})
	}

	c := &clock{t: t0}
	m := New(newFakeCtrl(), nil, Options{Now: c.Now, Started: t0, HintAfter: time.Second})
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, events(logEvent("192.168.1.50", "GET", "/", 200, 0)))
	c.t = c.t.Add(time.Minute)
	if v := ansi.Strip(update(t, m, tickMsg{}).View().Content); strings.Contains(v, "no other device") {
		t.Errorf("a phone came, still a hint:\n%s", v)
	}
}
