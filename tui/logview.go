package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// maxLogLines bounds the request log the TUI keeps.
const maxLogLines = 1000

type logLine struct {
	text   string // already escaped
	notice bool   // a message from the server, not a request
	status int    // the request's status code
}

// logView is the request log. It follows the tail unless the user scrolled
// up; then it holds still while lines arrive.
type logView struct {
	st    *Styles
	keys  keyMap
	lines []logLine
	max   int
	// back is how many lines the view is scrolled up from the tail;
	// 0 follows new lines.
	back int

	w, h    int
	focused bool
}

func newLogView(st *Styles, keys keyMap) logView {
	return logView{st: st, keys: keys, max: maxLogLines}
}

// SetSize sets the panel's size, title line included.
func (l *logView) SetSize(w, h int) {
	l.w, l.h = w, h
	l.back = min(l.back, l.maxBack())
}

func (l logView) visibleRows() int { return max(0, l.h-1) }

func (l logView) maxBack() int { return max(0, len(l.lines)-l.visibleRows()) }

// following reports whether the view shows the newest lines.
func (l logView) following() bool { return l.back == 0 }

// addRequest appends a request's log line.
func (l *logView) addRequest(r *transfer.LogLine) {
	l.add(logLine{text: r.String(), status: r.Status})
}

// addNotice appends a message from the server.
func (l *logView) addNotice(text string) {
	l.add(logLine{text: transfer.Printable(text), notice: true})
}

func (l *logView) add(line logLine) {
	l.lines = append(l.lines, line)
	if len(l.lines) > l.max {
		// Re-slicing keeps at most twice max lines in memory: append
		// copies the live ones when it grows the array.
		l.lines = l.lines[len(l.lines)-l.max:]
	}
	if l.back > 0 {
		// Hold the view where the user scrolled to.
		l.back = min(l.back+1, l.maxBack())
	}
}

func (l *logView) scroll(delta int) {
	l.back = max(0, min(l.maxBack(), l.back+delta))
}

// Update scrolls: up goes back in time, as in the other panels' lists.
func (l logView) Update(msg tea.Msg) (logView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if d, ok := moveBy(k, l.keys, l.visibleRows(), l.maxBack()); ok {
			l.scroll(-d)
		}
	}
	return l, nil
}

// View renders the title and the visible lines, cutting long ones.
func (l logView) View() string {
	if l.h <= 0 || l.w <= 0 {
		return ""
	}
	var b strings.Builder
	summary := "following"
	if l.back > 0 {
		summary = itoa(l.back) + " newer below · end to follow"
	}
	b.WriteString(titleLine(l.st, l.w, l.focused, "Log", summary))
	n := l.visibleRows()
	if len(l.lines) == 0 {
		if n > 0 {
			b.WriteString("\n  " + l.st.Panel.Empty.Render(truncate("waiting for requests", l.w-2)))
		}
		return b.String()
	}
	end := len(l.lines) - l.back
	for _, line := range l.lines[max(0, end-n):end] {
		b.WriteString("\n  ")
		text := truncate(line.text, l.w-2)
		switch {
		case line.notice:
			text = l.st.Log.Notice.Render(text)
		case line.status >= 500:
			text = l.st.State.Failed.Render(text)
		case line.status >= 400:
			text = l.st.State.Cancelled.Render(text)
		default:
			text = l.st.Log.Line.Render(text)
		}
		b.WriteString(text)
	}
	return b.String()
}
