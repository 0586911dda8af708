package tui

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestClientKeys: in the clients panel, T (with a typed rate), K, B and U
// act on the selected client, and the status line confirms each.
func TestClientKeys(t *testing.T) {
	ctrl := newFakeCtrl()
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, busy(), press("tab"))
	addr := m.clients.selAddr
	if addr == "" {
		t.Fatal("no client selected in the clients panel")
	}
	m = update(t, m, press("T"))
	if m.mode != modePrompt {
		t.Fatalf("after T: got mode %d, want the prompt", m.mode)
	}
	m = update(t, m, typeText("fast")...)
	m = update(t, m, press("enter"))
	if m.mode != modePrompt || m.prompt.err == "" {
		t.Fatalf("a bad rate: got mode %d, error %q; want the prompt kept with an error", m.mode, m.prompt.err)
	}
	for range len("fast") {
		m = update(t, m, press("backspace"))
	}
	m = update(t, m, typeText("500KB/s")...)
	m = update(t, m, press("enter"))
	if m.mode != modeMain || !strings.Contains(m.status.text, "throttled to 500 KB/s") {
		t.Fatalf("after the rate: mode %d, status %q", m.mode, m.status.text)
	}
	if got := m.clients.marks[addr]; got != "≤500 KB/s" {
		t.Errorf("mark: got %q, want ≤500 KB/s", got)
	}
	m = update(t, m, press("K"))
	if !strings.HasPrefix(m.status.text, "kicked "+addr) {
		t.Errorf("after K: status %q", m.status.text)
	}
	m = update(t, m, press("U"))
	if slices.Contains(ctrl.Calls(), "Unblock("+addr+")") {
		t.Error("U applied to a client that is not blocked")
	}
	m = update(t, m, press("B"))
	if !strings.HasPrefix(m.status.text, "blocked "+addr) || m.clients.marks[addr] != "blocked" {
		t.Errorf("after B: status %q, mark %q", m.status.text, m.clients.marks[addr])
	}
	m = update(t, m, press("U"))
	if !strings.HasPrefix(m.status.text, "unblocked "+addr) {
		t.Errorf("after U: status %q", m.status.text)
	}
	want := []string{"Throttle(" + addr + ", 500000)", "Kick(" + addr + ")", "Block(" + addr + ")", "Unblock(" + addr + ")"}
	for _, w := range want {
		if !slices.Contains(ctrl.Calls(), w) {
			t.Errorf("calls %q: missing %q", ctrl.Calls(), w)
		}
	}
}

// TestBlockedClientStaysListed: a blocked client the tracker no longer
// lists still has its row, so that it can be unblocked.
func TestBlockedClientStaysListed(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.Block("10.9.9.9")
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, busy())
	if m.clients.index("10.9.9.9") < 0 {
		t.Fatalf("rows %v: the blocked client is missing", m.clients.rows)
	}
}

// TestAskKeys: the oldest device waiting shows with what it is; A allows
// it, D denies the next; the keys apply only while one waits.
func TestAskKeys(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.asks = []Ask{
		{Key: "10.0.0.9", Client: "10.0.0.9", Device: "iPhone, Safari", Since: t0.Add(-5 * time.Second)},
		{Key: "10.0.0.10", Client: "10.0.0.10", Device: "curl", Since: t0},
	}
	m, _ := newTest(t, ctrl, 100, 30)
	screen := m.View().Content
	if !strings.Contains(screen, "? 10.0.0.9 (iPhone, Safari) asks to come in, 5s ago · A allow · D deny · 1 more waiting") {
		t.Fatalf("the ask line is missing:\n%s", screen)
	}
	m = update(t, m, press("A"))
	if !strings.Contains(m.status.text, "allowed 10.0.0.9 (iPhone, Safari)") {
		t.Errorf("after A: status %q", m.status.text)
	}
	m = update(t, m, press("D"))
	if !strings.Contains(m.status.text, "denied 10.0.0.10 (curl)") {
		t.Errorf("after D: status %q", m.status.text)
	}
	if strings.Contains(m.View().Content, "asks to come in") {
		t.Error("the ask line stays once nobody waits")
	}
	m = update(t, m, press("A"))
	want := []string{"Allow(10.0.0.9)", "Deny(10.0.0.10)"}
	if got := ctrl.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls: got %q, want %q", got, want)
	}
}

// TestAskSmallTerminal: at 80×24 the ask line, the links list and a prompt
// fit: the screen keeps its height.
func TestAskSmallTerminal(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.asks = []Ask{{Client: "10.0.0.9", Device: "Android, Chrome", Since: t0}}
	m, _ := newTest(t, ctrl, 80, 24)
	m = update(t, m, busy())
	for _, keys := range [][]string{nil, {"L"}, {"n"}} {
		for _, k := range keys {
			m = update(t, m, press(k))
		}
		screen := m.View().Content
		if n := strings.Count(screen, "\n") + 1; n != 24 {
			t.Errorf("after %v: %d lines, want 24:\n%s", keys, n, screen)
		}
		if !strings.Contains(screen, "10.0.0.9 (Android, Chrome) asks to come in") {
			t.Errorf("after %v: the ask line is missing:\n%s", keys, screen)
		}
	}
}
