package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestHeaderNotes: the features that are on (Options.Notes) are on the
// header's second line, escaped like everything else shown.
func TestHeaderNotes(t *testing.T) {
	m := New(newFakeCtrl(), nil, Options{Version: "1.0.0", Now: (&clock{t0}).Now, Started: t0,
		Notes: []string{"password", "ends after 5 downloads", "receipts to r\x1b[31m.jsonl"}})
	m = update(t, m, busy(), tea.WindowSizeMsg{Width: 160, Height: 30})
	line := ansi.Strip(strings.Split(m.View().Content, "\n")[1])
	for _, want := range []string{"password", "ends after 5 downloads", `receipts to r\x1b[31m.jsonl`} {
		if !strings.Contains(line, want) {
			t.Errorf("header line 2: got %q, want it to contain %q", line, want)
		}
	}
}
