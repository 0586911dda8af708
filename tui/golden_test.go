package tui

import (
	"bytes"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"shareit/transfer"
)

// render returns the view's content as a terminal with profile p would
// receive it.
func render(t *testing.T, m Model, p colorprofile.Profile) string {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	if _, err := w.WriteString(m.View().Content); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// evil is a share where every name a client or the disk controls tries to
// drive the terminal: ESC sequences, BEL, a bidi override.
func evil(ctrl *fakeCtrl) []tea.Msg {
	ctrl.root = "/srv/\x1b[31mred\a"
	s := snap(7, transfer.Download, "192.168.1.66", "/a\x1b[2J\a\u202eb.txt", 10*mib, 1*mib, 1*mib)
	ev := logEvent("192.168.1.66", "GET", "/a\x1b[2J\a\u202eb.txt", 200, 0)
	ev.Log.UserAgent = "evil\x1b]0;pwned\a"
	return []tea.Msg{
		events(started(s), ev, notice("bad name \x1b[5mblink\u202e")),
		// The root changed under the model: the next tick reads it.
		tickMsg{},
	}
}

func TestViewGolden(t *testing.T) {
	tests := []struct {
		name  string
		w, h  int
		setup func(*fakeCtrl) []tea.Msg
	}{
		{"80x24", 80, 24, nil},
		{"120x40", 120, 40, nil},
		{"60x16", 60, 16, nil},
		{"tiny", 50, 12, nil},
		{"empty", 80, 24, func(*fakeCtrl) []tea.Msg { return nil }},
		{"paused", 80, 24, func(c *fakeCtrl) []tea.Msg { c.paused = true; return []tea.Msg{busy()} }},
		{"draining", 80, 24, func(c *fakeCtrl) []tea.Msg { c.listening = false; return []tea.Msg{busy()} }},
		{"confirm-quit", 80, 24, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("q")} }},
		{"folder", 80, 24, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("d")} }},
		{"full-help", 120, 40, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("?")} }},
		{"escaped", 100, 30, evil},
		{"history-80x24", 80, 24, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("h")} }},
		{"history-120x40", 120, 40, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("h")} }},
		{"log-filter", 80, 24, func(*fakeCtrl) []tea.Msg {
			return append([]tea.Msg{busy(), press("/")}, typeText("get /")...)
		}},
		{"crowded-80x24", 80, 24, func(*fakeCtrl) []tea.Msg { return []tea.Msg{crowded()} }},
		{"crowded-120x40", 120, 40, func(*fakeCtrl) []tea.Msg { return []tea.Msg{crowded()} }},
		{"crowded-200x50", 200, 50, func(*fakeCtrl) []tea.Msg { return []tea.Msg{crowded()} }},
		{"qr-80x24", 80, 24, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("v")} }},
		{"qr-60x16", 60, 16, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("v")} }},
		{"qr-tiny", 50, 12, func(*fakeCtrl) []tea.Msg { return []tea.Msg{busy(), press("v")} }},
	}
	for _, tt := range tests {
		for _, p := range []struct {
			name    string
			profile colorprofile.Profile
		}{{"ascii", colorprofile.Ascii}, {"ansi256", colorprofile.ANSI256}} {
			t.Run(tt.name+"/"+p.name, func(t *testing.T) {
				ctrl := newFakeCtrl()
				msgs := []tea.Msg{busy()}
				if tt.setup != nil {
					msgs = tt.setup(ctrl)
				}
				m, _ := newTest(t, ctrl, tt.w, tt.h)
				m = update(t, m, msgs...)
				golden.RequireEqual(t, render(t, m, p.profile))
			})
		}
	}
}
