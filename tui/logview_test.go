package tui

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func notices(from, n int) eventsMsg {
	var evs eventsMsg
	for i := from; i < from+n; i++ {
		evs = append(evs, notice("line "+strconv.Itoa(i)))
		evs[len(evs)-1].Time = t0
	}
	return evs
}

// lastLogLine is the log's bottom visible line.
func lastLogLine(m Model) string {
	lines := strings.Split(ansi.Strip(m.log.View()), "\n")
	return strings.TrimPrefix(strings.TrimSpace(lines[len(lines)-1]), "08:36:17 ")
}

func TestLogFollowsTheTail(t *testing.T) {
	tests := []struct {
		name     string
		msgs     []tea.Msg
		wantBack int
		wantLast string
	}{
		{"follows new lines", []tea.Msg{notices(0, 30), notices(30, 5)}, 0, "line 34"},
		{"scrolled up, holds still", []tea.Msg{notices(0, 30), press("up"), notices(30, 5)}, 6, "line 28"},
		{"k scrolls up too", []tea.Msg{notices(0, 30), press("k"), press("k")}, 2, "line 27"},
		{"down back to the tail follows again", []tea.Msg{notices(0, 30), press("up"), press("down"), notices(30, 5)}, 0, "line 34"},
		{"end follows again", []tea.Msg{notices(0, 30), press("pgup"), press("end"), notices(30, 1)}, 0, "line 30"},
		{"home goes to the oldest", []tea.Msg{notices(0, 30), press("home")}, -1, ""},
		{"cannot scroll past the top", []tea.Msg{notices(0, 3), press("up"), press("up")}, 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			m = update(t, m, press("tab"), press("tab")) // focus the log
			if m.focus != panelLog {
				t.Fatalf("focus: got %d, want the log", m.focus)
			}
			m = update(t, m, tt.msgs...)
			if tt.wantBack < 0 {
				// Scrolled to the top: the first line shows.
				if !strings.Contains(ansi.Strip(m.log.View()), "  08:36:17 line 0\n") || m.log.following() {
					t.Errorf("got back %d, want the oldest line on top", m.log.back)
				}
				return
			}
			if m.log.back != tt.wantBack {
				t.Errorf("back: got %d, want %d", m.log.back, tt.wantBack)
			}
			if got := lastLogLine(m); got != tt.wantLast {
				t.Errorf("last visible line: got %q, want %q", got, tt.wantLast)
			}
			if got := m.log.following(); got != (tt.wantBack == 0) {
				t.Errorf("following: got %t, want %t", got, tt.wantBack == 0)
			}
		})
	}
}

func TestLogIsBounded(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, notices(0, maxLogLines+200))
	if got := len(m.log.lines); got != maxLogLines {
		t.Errorf("got %d lines, want %d", got, maxLogLines)
	}
	if got, want := m.log.lines[0].text, "08:36:17 line 200"; got != want {
		t.Errorf("oldest kept: got %q, want %q", got, want)
	}
}
