package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func click(x, y int) tea.MouseClickMsg {
	return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}
}

func wheel(x, y int, b tea.MouseButton) tea.MouseWheelMsg {
	return tea.MouseWheelMsg{X: x, Y: y, Button: b}
}

// lineOf is the screen row whose text holds s.
func lineOf(t *testing.T, m Model, s string) int {
	t.Helper()
	for i, l := range strings.Split(ansi.Strip(m.View().Content), "\n") {
		if strings.Contains(l, s) {
			return i
		}
	}
	t.Fatalf("no line holds %q", s)
	return -1
}

// A click focuses the panel under it and selects the row, in the narrow
// layout and the wide one; the wheel scrolls the panel under the pointer.
func TestMouse(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
		w, h := size[0], size[1]
		t.Run(itoa(w)+"x"+itoa(h), func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), w, h)
			m = update(t, m, busy())
			if v := m.View(); v.MouseMode != tea.MouseModeCellMotion {
				t.Fatalf("mouse mode %v, want cell motion", v.MouseMode)
			}

			// The second transfer row.
			y := lineOf(t, m, "/photos/2026/")
			x := w - 5 // right of the URL column, when there is one
			m = update(t, m, tea.KeyPressMsg{Code: tea.KeyTab}, click(x, y))
			if r, _ := m.transfers.selected(); m.focus != panelTransfers || r.Path != "/photos/2026/" {
				t.Fatalf("click on /photos/2026/: focus %v, selected %q", m.focus, r.Path)
			}

			// A client row.
			y = lineOf(t, m, "192.168.1.41  1 active")
			m = update(t, m, click(x, y))
			if m.focus != panelClients || m.clients.selAddr != "192.168.1.41" {
				t.Fatalf("click on a client: focus %v, selected %q", m.focus, m.clients.selAddr)
			}

			// A URL.
			y = lineOf(t, m, "http://10.0.0.7:8000/")
			m = update(t, m, click(3, y))
			if u, _ := m.urls.selected(); m.focus != panelURLs || u.URL != "http://10.0.0.7:8000/" || m.urls.qrFor != u.URL {
				t.Fatalf("click on a URL: focus %v, selected %q, code of %q", m.focus, u.URL, m.urls.qrFor)
			}

			// A title focuses and selects nothing new.
			y = lineOf(t, m, "Log ")
			m = update(t, m, click(x, y))
			if m.focus != panelLog {
				t.Fatalf("click on the log's title: focus %v", m.focus)
			}

			// The wheel over the transfers moves their selection without
			// taking the focus.
			y = lineOf(t, m, "/notes.txt")
			m = update(t, m, wheel(x, y, tea.MouseWheelDown))
			if r, _ := m.transfers.selected(); m.focus != panelLog || r.Path != "/inbox/report.pdf" {
				t.Fatalf("wheel down over the transfers: focus %v, selected %q; want the log focused, /inbox/report.pdf", m.focus, r.Path)
			}
			m = update(t, m, wheel(x, y, tea.MouseWheelUp), wheel(x, y, tea.MouseWheelUp))
			if r, _ := m.transfers.selected(); r.Path != "/isos/ubuntu-24.04.1-desktop-amd64.iso" {
				t.Fatalf("wheel up twice: selected %q", r.Path)
			}

			// The header, the help and the right button do nothing.
			before := m.focus
			m = update(t, m, click(x, 0), click(x, h-1), tea.MouseClickMsg{X: x, Y: lineOf(t, m, "/notes.txt"), Button: tea.MouseRight})
			if m.focus != before {
				t.Fatalf("clicks outside the panels moved the focus to %v", m.focus)
			}
		})
	}
}

// The wheel scrolls the log back and forth.
func TestMouseWheelLog(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	var evs eventsMsg
	for i := range 40 {
		evs = append(evs, logEvent("10.0.0.9", "GET", "/f"+itoa(i), 200, 0))
	}
	m = update(t, m, evs)
	y := lineOf(t, m, "/f39 ")
	m = update(t, m, wheel(10, y, tea.MouseWheelUp), wheel(10, y, tea.MouseWheelUp))
	if m.log.back != 2 {
		t.Fatalf("two turns up: %d lines back, want 2", m.log.back)
	}
	m = update(t, m, wheel(10, y, tea.MouseWheelDown))
	if m.log.back != 1 {
		t.Fatalf("one turn down: %d lines back, want 1", m.log.back)
	}
}

// A dialog keeps the mouse out: a click while the quit question shows
// changes nothing.
func TestMouseIgnoredInDialogs(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, busy())
	y := lineOf(t, m, "/photos/2026/")
	m = update(t, m, press("q"), click(10, y))
	if r, _ := m.transfers.selected(); m.mode != modeConfirmQuit || r.Path == "/photos/2026/" {
		t.Fatalf("click during the quit question: mode %v, selected %q", m.mode, r.Path)
	}
}
