package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// TestViewFitsEverySize resizes through many sizes and states: the view is
// always exactly the window, and nothing but styling escapes reaches it.
func TestViewFitsEverySize(t *testing.T) {
	many := eventsMsg{}
	for i := range 40 {
		s := snap(uint64(100+i), transfer.Download, "fe80::1c2d:3e4f:5a6b:7c8d", "/日本語/ファイル\x1b\u202e"+strings.Repeat("x", i), 1000, int64(i), 10)
		many = append(many, started(s), notice("n\a"+strings.Repeat("y", i*5)))
	}
	states := []struct {
		name string
		msgs []tea.Msg
	}{
		{"busy", []tea.Msg{busy()}},
		{"many", []tea.Msg{busy(), many}},
		{"full help", []tea.Msg{busy(), press("?")}},
		{"folder error", []tea.Msg{busy(), press("d"), press("x"), press("enter")}},
		{"confirm", []tea.Msg{busy(), press("q")}},
		{"message", []tea.Msg{busy(), press("c")}},
		{"crowded", []tea.Msg{crowded()}},
		{"crowded full help", []tea.Msg{crowded(), press("?")}},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			m = update(t, m, st.msgs...)
			// Around every threshold the layout has, and a few others.
			for _, w := range []int{20, 59, 60, 61, 79, 80, 99, 100, 107, 108, 120, 133, 200} {
				for _, h := range []int{5, 15, 16, 17, 20, 24, 27, 28, 31, 40, 60} {
					m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
					content := m.View().Content
					lines := strings.Split(content, "\n")
					if len(lines) != h {
						t.Fatalf("%dx%d: got %d lines, want %d", w, h, len(lines), h)
					}
					for i, l := range lines {
						if lw := ansi.StringWidth(l); lw > w {
							t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
						}
					}
					if plain := ansi.Strip(content); strings.ContainsAny(plain, "\x1b\a\u202e") {
						t.Fatalf("%dx%d: a raw control character reached the view", w, h)
					}
					if m.lay.tooSmall {
						continue
					}
					if got := heightsSum(m.lay); got != h {
						t.Fatalf("%dx%d: the layout's heights add up to %d, want %d: %+v", w, h, got, h, m.lay)
					}
					if got, want := strings.TrimRight(ansi.Strip(lines[h-1]), " "), footer(m); got != want {
						t.Fatalf("%dx%d: last line %q, want the footer %q", w, h, got, want)
					}
				}
			}
		})
	}
}

func TestTooSmall(t *testing.T) {
	tests := []struct {
		w, h int
		want bool
	}{
		{59, 24, true},
		{80, 15, true},
		{60, 16, false},
		{80, 24, false},
	}
	for _, tt := range tests {
		m, _ := newTest(t, newFakeCtrl(), tt.w, tt.h)
		got := strings.Contains(m.View().Content, "terminal too small")
		if got != tt.want {
			t.Errorf("%dx%d: too small %t, want %t", tt.w, tt.h, got, tt.want)
		}
	}
}

func TestQRShownOnlyWithRoom(t *testing.T) {
	tests := []struct {
		w, h int
		want bool
	}{
		{80, 24, false},  // no room: the panels come first
		{80, 45, true},   // beside the list
		{120, 40, true},  // in a column of its own
		{120, 24, true},  // a column of its own needs no more than the code's height
		{120, 18, false}, // wide but short
		{100, 30, false}, // the code beside the list would leave the panels too little
		{200, 50, true},
	}
	for _, tt := range tests {
		m, _ := newTest(t, newFakeCtrl(), tt.w, tt.h)
		m = update(t, m, busy())
		got := strings.Contains(m.View().Content, "▀▀▀▀▀▀▀▀▀▀")
		if got != tt.want {
			t.Errorf("%dx%d: QR shown %t, want %t", tt.w, tt.h, got, tt.want)
		}
	}
}

func TestFullHelpYieldsToPanels(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 40)
	m = update(t, m, busy(), press("?"))
	if !strings.Contains(m.View().Content, "page down") {
		t.Fatal("80x40: full help not shown")
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 18})
	if strings.Contains(m.View().Content, "page down") {
		t.Error("80x18: got the full help, want the short one to leave the panels room")
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 40})
	if !strings.Contains(m.View().Content, "page down") {
		t.Error("back to 80x40: got the short help, want the full one again")
	}
}

// heightsSum is the rows the layout hands out, top to bottom.
func heightsSum(l layout) int {
	body := l.urlsH + l.transfersH + l.clientsH + l.logH
	switch {
	case l.sideW > 0 && l.logBelow:
		body = l.sideH + l.logH
	case l.sideW > 0:
		body = l.sideH
	}
	return l.headerH + body + l.statusH + l.helpH
}

// footer is the help's last line as the view should end with it.
func footer(m Model) string {
	h := m.help
	if m.lay.shortHelp {
		h.ShowAll = false
	}
	lines := strings.Split(ansi.Strip(h.View(fittedKeys{m.keys, m.width})), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// TestLayoutFillsTheWindow checks how the rows are shared: the log takes
// every row the others leave and shows a line on each, the transfers grow
// with their rows up to half of what the URLs leave, the clients up to a
// quarter, and when the code sits in a column the log spans the width below
// it if it keeps a fair share.
func TestLayoutFillsTheWindow(t *testing.T) {
	tests := []struct {
		name     string
		w, h     int
		msgs     []tea.Msg
		logBelow bool // the log spans the window under the URLs column
		column   bool // the URLs sit in a column (with the code)
	}{
		{"80x24 busy", 80, 24, []tea.Msg{busy(), notices(0, 40)}, false, false},
		{"80x24 crowded", 80, 24, []tea.Msg{crowded()}, false, false},
		{"60x16 crowded", 60, 16, []tea.Msg{crowded()}, false, false},
		{"100x30 crowded", 100, 30, []tea.Msg{crowded()}, false, false},
		{"80x50 crowded", 80, 50, []tea.Msg{crowded()}, false, false},
		{"120x24 busy", 120, 24, []tea.Msg{busy(), notices(0, 40)}, false, true},
		// Under the code's column the log would keep too few rows.
		{"108x30 busy", 108, 30, []tea.Msg{busy(), notices(0, 40)}, false, true},
		{"120x40 busy", 120, 40, []tea.Msg{busy(), notices(0, 40)}, true, true},
		{"120x40 crowded", 120, 40, []tea.Msg{crowded()}, true, true},
		{"200x60 crowded", 200, 60, []tea.Msg{crowded()}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), tt.w, tt.h)
			m = update(t, m, tt.msgs...)
			l := m.lay
			if got := heightsSum(l); got != tt.h {
				t.Fatalf("heights add up to %d, want %d: %+v", got, tt.h, l)
			}
			if got := l.sideW > 0; got != tt.column {
				t.Errorf("URLs in a column: got %t, want %t", got, tt.column)
			}
			if l.logBelow != tt.logBelow {
				t.Errorf("log below the column: got %t, want %t", l.logBelow, tt.logBelow)
			}
			if tt.logBelow && l.logW != tt.w {
				t.Errorf("log width: got %d, want the window's %d", l.logW, tt.w)
			}

			// The log shows a line on every row it has: nothing is blank.
			logLines := strings.Split(ansi.Strip(m.log.View()), "\n")
			if len(logLines) != l.logH {
				t.Errorf("log: got %d lines, want its %d rows", len(logLines), l.logH)
			}
			for i, line := range logLines {
				if strings.TrimSpace(line) == "" {
					t.Errorf("log line %d of %d is blank", i, len(logLines))
				}
			}

			// Fair shares of the rows the three panels stack in.
			rows := l.transfersH + l.clientsH + l.logH
			if l.logBelow {
				rows = l.bodyH
			}
			tWant := 1 + len(m.transfers.rows)
			if l.transfersH > max(2, rows/2) && !(l.logBelow && l.transfersH+l.clientsH == l.sideH) {
				t.Errorf("transfers: got %d rows of %d, want at most half", l.transfersH, rows)
			}
			if l.transfersH < min(tWant, rows/2) {
				t.Errorf("transfers: got %d rows of %d, want %d or half", l.transfersH, rows, tWant)
			}
			if l.clientsH > max(2, rows/4) {
				t.Errorf("clients: got %d rows of %d, want at most a quarter", l.clientsH, rows)
			}
			if l.logH < rows/4 {
				t.Errorf("log: got %d rows of %d, want at least a quarter", l.logH, rows)
			}
		})
	}
}

// TestFullHelpFitsEveryKey: at 80x24 with nearly every key live (a share
// of several with a secret, a device waiting, a client selected), `?`
// shows each of them, none cut behind a "…".
func TestFullHelpFitsEveryKey(t *testing.T) {
	ctrl := newFakeBrowser()
	ctrl.secret = true
	ctrl.asks = []Ask{{Key: "10.0.0.9", Client: "10.0.0.9", Device: "iPhone, Safari", Since: t0}}
	m, _ := newTest(t, ctrl, 80, 24)
	m = update(t, m, busy(), press("tab"), press("?"))
	if m.clients.selAddr == "" || m.lay.shortHelp {
		t.Fatalf("no client selected (%q), or the short help (%t)", m.clients.selAddr, m.lay.shortHelp)
	}
	screen := ansi.Strip(m.View().Content)
	n := 0
	for _, g := range m.keys.FullHelp() {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			n++
			if h := b.Help(); !strings.Contains(screen, h.Key+" ") || !strings.Contains(screen, h.Desc) {
				t.Errorf("%s %s is not in the help", h.Key, h.Desc)
			}
		}
	}
	if n < 25 {
		t.Errorf("only %d keys live: the test shows too little", n)
	}
	if lines := strings.Count(screen, "\n") + 1; lines != 24 {
		t.Errorf("%d lines, want 24:\n%s", lines, screen)
	}
}
