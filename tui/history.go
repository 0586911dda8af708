package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// maxHistory bounds the ended transfers the history keeps; the counts in
// its title go on past it.
const maxHistory = 5000

// historyView is the session's memory: every transfer that ended
// (finished, failed, cancelled; downloads, uploads and archives), newest
// first, in the place of the transfers table while `h` shows it.
type historyView struct {
	st   *Styles
	keys keyMap

	rows  []transfer.Snapshot // ended, oldest first
	count [4]int              // every transfer that ended, by transfer.State
	whole int                 // of them, the complete ones
	newestFirst

	w       int
	focused bool
}

func newHistoryView(st *Styles, keys keyMap) historyView {
	return historyView{st: st, keys: keys}
}

// SetSize sets the panel's size, title line included.
func (v *historyView) SetSize(w, h int) {
	v.w = w
	v.resize(h, len(v.rows))
}

// ended is the number of transfers that ended this session.
func (v historyView) ended() int {
	return v.count[transfer.Finished] + v.count[transfer.Failed] + v.count[transfer.Cancelled]
}

// add records a transfer that ended. A selection on the newest row stays
// on the newest; one further down stays on its row.
func (v *historyView) add(s transfer.Snapshot) {
	v.count[s.State]++
	if s.Complete {
		v.whole++
	}
	v.rows = append(v.rows, s)
	if len(v.rows) > maxHistory {
		v.rows = append(v.rows[:0], v.rows[len(v.rows)-maxHistory:]...)
	}
	if v.sel > 0 {
		v.sel = min(v.sel+1, len(v.rows)-1)
		v.off = min(v.off+1, max(0, len(v.rows)-v.visibleRows()))
	}
	v.off = scrollTo(v.off, v.sel, v.visibleRows(), len(v.rows))
}

// at returns the row i places from the newest.
func (v historyView) at(i int) transfer.Snapshot { return v.rows[len(v.rows)-1-i] }

// Update moves the selection.
func (v historyView) Update(msg tea.Msg) (historyView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		v.move(k, v.keys, len(v.rows))
	}
	return v, nil
}

// outcome is how a transfer ended, for the last column: complete (every
// byte of the file), partial (a range, fine but not the whole), failed or
// cancelled.
func outcome(s transfer.Snapshot) string {
	switch {
	case s.State == transfer.Cancelled:
		return "cancelled"
	case s.State == transfer.Failed:
		return "failed"
	case s.Complete:
		return "complete"
	}
	return "partial"
}

const (
	outcomeW  = 9 // "cancelled"
	durationW = 6 // "12m05s"
)

// View renders the title and the visible rows, newest first.
func (v historyView) View() string {
	if v.h <= 0 || v.w <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(titleLine(v.st, v.w, v.focused, "History", v.summary()))
	n := v.visibleRows()
	if len(v.rows) == 0 {
		if n > 0 {
			b.WriteString("\n  " + v.st.Panel.Empty.Render(truncate("nothing has ended yet · h shows what runs", v.w-2)))
		}
		return b.String()
	}
	off := max(0, min(v.off, len(v.rows)-n))
	clientW, bytesW := 7, 5
	for _, s := range v.rows {
		clientW = max(clientW, min(15, cells(transfer.Printable(s.Client))))
		bytesW = max(bytesW, progressWidth(s.Size))
	}
	// In a narrow panel the kind goes first, then the duration.
	fileW := v.w - (2 + clientW + 1 + 1 + bytesW + 1 + speedW + 1 + outcomeW)
	kind, dur := true, true
	fileW -= kindW + 1 + durationW + 1
	if fileW < 12 {
		kind, fileW = false, fileW+kindW+1
	}
	if fileW < 12 {
		dur, fileW = false, fileW+durationW+1
	}
	fileW = max(1, fileW)
	for i := off; i < min(len(v.rows), off+n); i++ {
		s := v.at(i)
		b.WriteByte('\n')
		b.WriteString(cursorMark(v.st, i == v.sel, v.focused))
		b.WriteString(fitCell(transfer.Printable(s.Client), clientW) + " ")
		if kind {
			b.WriteString(v.st.Row.Muted.Render(kindLabel(s.Kind)) + " ")
		}
		b.WriteString(fitCell(transfer.Printable(s.Path), fileW) + " ")
		b.WriteString(padLeft(formatProgress(s.Bytes, s.Size), bytesW) + " ")
		took := s.Ended.Sub(s.Started)
		if dur {
			b.WriteString(v.st.Row.Muted.Render(padLeft(formatDuration(took), durationW)) + " ")
		}
		avg := "--"
		if took >= time.Millisecond {
			avg = formatSpeed(float64(s.Bytes) / took.Seconds())
		}
		b.WriteString(padLeft(avg, speedW) + " ")
		st := v.st.Row.Muted
		switch outcome(s) {
		case "complete":
			st = v.st.State.Finished
		case "failed":
			st = v.st.State.Failed
		case "cancelled":
			st = v.st.State.Cancelled
		}
		b.WriteString(st.Render(padLeft(outcome(s), outcomeW)))
	}
	return b.String()
}

func (v historyView) summary() string {
	var parts []string
	if n := v.visibleRows(); len(v.rows) > n && n > 0 {
		parts = append(parts, itoa(v.sel+1)+"/"+itoa(len(v.rows)))
	}
	parts = append(parts, itoa(v.ended())+" ended", itoa(v.whole)+" complete")
	if cut := v.ended() - v.whole; cut > 0 {
		parts = append(parts, itoa(cut)+" cut")
	}
	return strings.Join(append(parts, "h running"), " · ")
}
