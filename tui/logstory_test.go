package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// logTexts is the log's lines, oldest first.
func logTexts(m Model) []string {
	var out []string
	for _, l := range m.log.lines {
		out = append(out, l.text)
	}
	return out
}

// TestActionsAreLogged: what the person at the terminal does is in the
// log, with the time.
func TestActionsAreLogged(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.uploadsErr = nil
	dir := t.TempDir()
	live := snap(9, transfer.Download, "10.0.0.7", "/live.iso", gib, mib, mib)
	ctrl.active[9] = true
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, events(started(live)))
	m = update(t, m, press("p"), press("p"), press("s"), press("s"), press("u"), press("u"), press("x"), press("d"))
	m = update(t, m, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the input
	m = update(t, m, typeText(dir)...)
	m = update(t, m, press("enter"))
	want := []string{
		"08:35:17 10.0.0.7 began downloading /live.iso (1.0 GB)",
		"08:36:17 paused every transfer",
		"08:36:17 resumed the transfers",
		"08:36:17 stopped listening; running transfers may finish",
		"08:36:17 listening again",
		"08:36:17 uploads on",
		"08:36:17 uploads off",
		"08:36:17 cancelled 10.0.0.7's download of /live.iso",
		"08:36:17 now serving " + dir,
	}
	if got := logTexts(m); !slices.Equal(got, want) {
		t.Errorf("log:\ngot  %q\nwant %q", got, want)
	}
}

// TestRateChangeLoggedOnceSettled: the cap changes at each `+`/`-`, the
// log says so once, rateSettle after the last press.
func TestRateChangeLoggedOnceSettled(t *testing.T) {
	ctrl := newFakeCtrl()
	m, _ := newTest(t, ctrl, 100, 30)
	var cmd tea.Cmd
	for range 3 {
		m, cmd = send(t, m, press("-"))
		if cmd == nil {
			t.Fatal("a rate key returned no command: nothing would log the change")
		}
	}
	if got := ctrl.Rate(); got != 10e6 {
		t.Errorf("cap after three -: got %d, want 10000000 (applied at once)", got)
	}
	if got := logTexts(m); len(got) != 0 {
		t.Errorf("log before the presses settled: got %q, want nothing", got)
	}
	m = update(t, m, rateSettledMsg{seq: m.rateSeq - 1}) // an earlier press's timer
	if got := logTexts(m); len(got) != 0 {
		t.Errorf("log after an earlier press's timer: got %q, want nothing", got)
	}
	m = update(t, m, rateSettledMsg{seq: m.rateSeq}, rateSettledMsg{seq: m.rateSeq})
	want := []string{"08:36:17 rate cap per client: 10 MB/s (was off)"}
	if got := logTexts(m); !slices.Equal(got, want) {
		t.Errorf("log once settled: got %q, want %q", got, want)
	}
	// Down and up again: no change, no line.
	m = update(t, m, press("-"), press("+"))
	m = update(t, m, rateSettledMsg{seq: m.rateSeq})
	if got := logTexts(m); !slices.Equal(got, want) {
		t.Errorf("log after - + : got %q, want only %q", got, want)
	}
}

// TestLongLinesWrap: a line wider than the panel shows whole, over rows.
func TestLongLinesWrap(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 60, 16)
	long := "/a/very/long/path/that/goes/on/and/on/" + strings.Repeat("x", 80) + "/end.bin"
	m = update(t, m, events(logEvent("10.0.0.9", "GET", long, 200, 5)))
	view := ansi.Strip(m.log.View())
	if strings.Contains(view, "…") {
		t.Errorf("the log cut a line:\n%s", view)
	}
	joined := strings.ReplaceAll(strings.Join(strings.Fields(view), ""), " ", "")
	if !strings.Contains(joined, strings.ReplaceAll(long, " ", "")) || !strings.Contains(joined, "1.204s") {
		t.Errorf("the log does not show the whole line:\n%s", view)
	}
	for i, l := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("row %d is %d wide, want at most 60: %q", i, w, l)
		}
	}
}

// TestLogFilter: `/` and text show only the lines holding it, in any
// case; enter keeps it, esc clears it; keys typed are text, not commands.
func TestLogFilter(t *testing.T) {
	ctrl := newFakeCtrl()
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, busy(), press("/"))
	if m.mode != modeFilter || m.focus != panelLog {
		t.Fatalf("after /: mode %d, focus %d; want the filter input, the log focused", m.mode, m.focus)
	}
	m = update(t, m, typeText("qNOPEx")...)
	m = update(t, m, press("backspace"))
	if m.filter != "qNOPE" || len(ctrl.Calls()) != 0 || m.exit != ExitNone {
		t.Fatalf("typed q, p, x: filter %q, calls %q, exit %v; want text only", m.filter, ctrl.Calls(), m.exit)
	}
	m = update(t, m, press("backspace"), press("backspace"), press("backspace"), press("backspace"), press("backspace"))
	m = update(t, m, typeText("/NOPE")...)
	shown := m.log.shown()
	if len(shown) != 1 || !strings.Contains(shown[0].text, `"GET /nope HTTP/1.1" 404`) {
		t.Errorf("filter /NOPE: got %d lines %+v, want the one request for /nope", len(shown), shown)
	}
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "/ /NOPE▏") || !strings.Contains(view, "1 line · esc clears") {
		t.Errorf("the filter does not show as typed, or its count:\n%s", view)
	}
	m = update(t, m, press("enter"))
	if m.mode != modeMain || m.filter != "/NOPE" {
		t.Fatalf("after enter: mode %d, filter %q; want the main screen, the filter kept", m.mode, m.filter)
	}
	// New lines are filtered too.
	m = update(t, m, events(logEvent("10.0.0.9", "GET", "/a", 200, 5), logEvent("10.0.0.9", "GET", "/nope", 404, 0)))
	if got := len(m.log.shown()); got != 2 {
		t.Errorf("after two more requests: %d lines shown, want 2", got)
	}
	if !m.keys.ClearFilter.Enabled() {
		t.Error("esc does not clear the filter on the main screen")
	}
	m = update(t, m, press("esc"))
	if m.filter != "" || len(m.log.shown()) != len(m.log.lines) {
		t.Errorf("after esc: filter %q, %d of %d lines shown; want all", m.filter, len(m.log.shown()), len(m.log.lines))
	}
	// esc while typing clears too.
	m = update(t, m, press("/"), press("z"), press("esc"))
	if m.mode != modeMain || m.filter != "" {
		t.Errorf("esc while typing: mode %d, filter %q; want the main screen, no filter", m.mode, m.filter)
	}
}

// TestFailedStartIsLogged: a start that fails says why, in the log too.
func TestFailedStartIsLogged(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.startErr = errors.New("listen tcp :8000: address already in use")
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, press("s"), press("s"))
	want := []string{"08:36:17 stopped listening", "08:36:17 could not listen again: listen tcp :8000: address already in use"}
	if got := logTexts(m); !slices.Equal(got, want) {
		t.Errorf("log:\ngot  %q\nwant %q", got, want)
	}
}
