package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// endAll starts and ends n downloads, IDs from first, alternately
// finished and failed.
func endAll(first uint64, n int) eventsMsg {
	var evs eventsMsg
	for i := range n {
		id := first + uint64(i)
		s := snap(id, transfer.Download, "10.0.0.9", "/f"+itoa(int(id)), 10*mib, 10*mib, 0)
		state := transfer.Finished
		if i%2 == 1 {
			s.Bytes, state = 3*mib, transfer.Failed
		}
		evs = append(evs, started(s), ended(s, state))
	}
	return evs
}

// TestHistoryOutlivesTheRows: ended transfers leave the table after a few
// seconds, but stay in the history, and the counts never fall back to
// "no transfers yet".
func TestHistoryOutlivesTheRows(t *testing.T) {
	m, clk := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, endAll(1, 3))
	clk.t = clk.t.Add(linger + time.Second)
	m = update(t, m, tickMsg{}, events(frame(false, nil, nil)))
	if len(m.transfers.rows) != 0 {
		t.Fatalf("rows after linger: got %d, want 0", len(m.transfers.rows))
	}
	if got := len(m.history.rows); got != 3 {
		t.Errorf("history: got %d rows, want 3", got)
	}
	view := ansi.Strip(m.View().Content)
	if strings.Contains(view, "no transfers yet") {
		t.Error("after three transfers the view says \"no transfers yet\"")
	}
	for _, want := range []string{"0 running · 2 finished · 1 failed", "h shows the 3 transfers that ended"} {
		if !strings.Contains(view, want) {
			t.Errorf("view: want %q in\n%s", want, view)
		}
	}
}

func TestHistoryKey(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 100, 30)
	live := snap(9, transfer.Download, "10.0.0.7", "/live.iso", gib, mib, mib)
	m = update(t, m, events(started(live)), endAll(1, 4), press("tab"), press("tab")) // focus away from the transfers
	m = update(t, m, press("h"))
	if !m.showHistory || m.focus != panelTransfers {
		t.Fatalf("after h: showHistory %v, focus %d; want the history, focused", m.showHistory, m.focus)
	}
	if m.keys.Cancel.Enabled() {
		t.Error("x is enabled in the history, where nothing runs")
	}
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "History") || strings.Contains(ansi.Strip(m.history.View()), "/live.iso") {
		t.Errorf("history view: want the History panel without the running transfer:\n%s", view)
	}
	// Newest first: /f4 (failed) on top, selected.
	if got := m.history.at(m.history.sel); got.ID != 4 {
		t.Errorf("selected: got transfer %d, want the newest, 4", got.ID)
	}
	m = update(t, m, press("j"), press("j"))
	if got := m.history.at(m.history.sel); got.ID != 2 {
		t.Errorf("after j j: got transfer %d, want 2", got.ID)
	}
	// A transfer that ends meanwhile does not move the selection.
	m = update(t, m, endAll(5, 1))
	if got := m.history.at(m.history.sel); got.ID != 2 {
		t.Errorf("after another ended: selected %d, want still 2", got.ID)
	}
	m = update(t, m, press("g"))
	if got := m.history.at(m.history.sel); got.ID != 5 {
		t.Errorf("after g: selected %d, want the newest, 5", got.ID)
	}
	m = update(t, m, press("h"))
	if m.showHistory || !strings.Contains(ansi.Strip(m.transfers.View()), "/live.iso") {
		t.Error("a second h does not bring back the running transfers")
	}
}

func TestHistoryRow(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 100, 30)
	up := snap(1, transfer.Upload, "10.0.0.9", "/inbox/report.pdf", 2e6, 2e6, 0)
	up.Started = t0.Add(-4 * time.Second)
	cut := snap(2, transfer.Archive, "10.0.0.8", "/photos/", -1, 3e8, 0)
	cut.Started = t0.Add(-(2*time.Minute + 30*time.Second))
	m = update(t, m, events(started(up), ended(up, transfer.Finished), started(cut), ended(cut, transfer.Cancelled)), press("h"))
	view := ansi.Strip(m.View().Content)
	for _, want := range []string{
		// client, kind, file, bytes of total, duration, average speed, outcome
		"10.0.0.9 put /inbox/report.pdf",
		"2.0/2.0 MB     4s   500 KB/s  complete",
		"10.0.0.8 dir /photos/",
		"300 MB  2m30s   2.0 MB/s cancelled",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("history: want %q in\n%s", want, view)
		}
	}
}

// TestHistoryIsBounded: past maxHistory the oldest rows go, the counts
// stay whole.
func TestHistoryIsBounded(t *testing.T) {
	v := newHistoryView(nil, DefaultKeyMap())
	for i := range maxHistory + 10 {
		v.add(transfer.Snapshot{ID: uint64(i + 1), State: transfer.Finished, Complete: true})
	}
	if len(v.rows) != maxHistory {
		t.Errorf("rows: got %d, want %d", len(v.rows), maxHistory)
	}
	if v.ended() != maxHistory+10 || v.whole != maxHistory+10 {
		t.Errorf("counts: got %d ended, %d complete; want %d of each", v.ended(), v.whole, maxHistory+10)
	}
	if got := v.at(len(v.rows) - 1).ID; got != 11 {
		t.Errorf("oldest kept: got %d, want 11", got)
	}
}
