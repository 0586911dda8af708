package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// maxLogLines bounds the request log the TUI keeps.
const maxLogLines = 1000

// eventTime is how the log stamps the lines that are not requests (those
// carry the Common Log Format's date): the day is the header's.
const eventTime = "15:04:05"

type logKind uint8

const (
	logRequest logKind = iota
	logNotice          // a message from the server
	logAction          // something the person at the terminal did, or a transfer began
)

type logLine struct {
	text   string // already escaped, with its time
	lower  string // text in lower case, for the filter
	kind   logKind
	status int // the request's status code
}

// logView is the request log. It follows the tail unless the user scrolled
// up; then it holds still while lines arrive. Long lines wrap. A filter
// shows only the lines holding a piece of text.
type logView struct {
	st    *Styles
	keys  keyMap
	lines []logLine
	max   int
	// back is how many of the shown lines the view is scrolled up from the
	// tail; 0 follows new lines.
	back int
	// filter, in lower case, keeps the lines that contain it; "" keeps all.
	filter string

	w, h    int
	focused bool
}

func newLogView(st *Styles, keys keyMap) logView {
	return logView{st: st, keys: keys, max: maxLogLines}
}

// SetSize sets the panel's size, title line included.
func (l *logView) SetSize(w, h int) {
	l.w, l.h = w, h
	if l.back > 0 { // maxBack wraps every line: only when scrolled
		l.back = min(l.back, l.maxBack())
	}
}

func (l logView) visibleRows() int { return max(0, l.h-1) }

// shown is the lines the filter keeps, oldest first.
func (l logView) shown() []logLine {
	if l.filter == "" {
		return l.lines
	}
	var out []logLine
	for _, line := range l.lines {
		if strings.Contains(line.lower, l.filter) {
			out = append(out, line)
		}
	}
	return out
}

// maxBack is how far up the view may scroll: until the oldest shown line
// is on the top row, its wrapped rows counted.
func (l logView) maxBack() int {
	lines := l.shown()
	rows, n := 0, l.visibleRows()
	for i, line := range lines {
		rows += len(l.wrap(line.text))
		if rows >= n {
			return len(lines) - (i + 1)
		}
	}
	return 0
}

// following reports whether the view shows the newest lines.
func (l logView) following() bool { return l.back == 0 }

// addRequest appends a request's log line.
func (l *logView) addRequest(r *transfer.LogLine) {
	l.add(logLine{text: r.String(), kind: logRequest, status: r.Status})
}

// addNotice appends a message from the server, stamped with its time.
func (l *logView) addNotice(at time.Time, text string) {
	l.add(logLine{text: at.Format(eventTime) + " " + transfer.Printable(text), kind: logNotice})
}

// addEvent appends something that happened here: a key's effect, a
// transfer that began.
func (l *logView) addEvent(at time.Time, text string) {
	l.add(logLine{text: at.Format(eventTime) + " " + transfer.Printable(text), kind: logAction})
}

func (l *logView) add(line logLine) {
	line.lower = strings.ToLower(line.text)
	l.lines = append(l.lines, line)
	if len(l.lines) > l.max {
		// Re-slicing keeps at most twice max lines in memory: append
		// copies the live ones when it grows the array.
		l.lines = l.lines[len(l.lines)-l.max:]
	}
	if l.back > 0 && (l.filter == "" || strings.Contains(line.lower, l.filter)) {
		// Hold the view where the user scrolled to.
		l.back = min(l.back+1, l.maxBack())
	}
}

// setFilter shows only the lines containing text, in any case, from the
// newest.
func (l *logView) setFilter(text string) {
	l.filter = strings.ToLower(text)
	l.back = 0
}

func (l *logView) scroll(delta int) {
	l.back = max(0, min(l.maxBack(), l.back+delta))
}

// Update scrolls: up goes back in time, as in the other panels' lists.
func (l logView) Update(msg tea.Msg) (logView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if d, ok := moveBy(k, l.keys, l.visibleRows(), len(l.lines)); ok {
			l.scroll(-d)
		}
	}
	return l, nil
}

// logIndent is the margin of a line; what it wraps onto is indented more.
const (
	logIndent  = 2
	wrapIndent = 4
)

// wrap cuts text into rows that fit the panel: at spaces where it can,
// inside a word where it must. Every row is wrapIndent narrower than the
// panel, so the first can sit at logIndent and the rest at wrapIndent.
func (l logView) wrap(text string) []string {
	w := l.w - wrapIndent
	if w <= 0 {
		return []string{""}
	}
	return strings.Split(ansi.Wrap(text, w, ""), "\n")
}

// View renders the title and, from the bottom up, the rows of the lines
// that fit, newest last.
func (l logView) View() string {
	if l.h <= 0 || l.w <= 0 {
		return ""
	}
	lines := l.shown()
	var b strings.Builder
	var summary []string
	if l.filter != "" {
		summary = append(summary, "/"+l.filter+" · "+plural(len(lines), "line", "lines")+" · esc clears")
	}
	if l.back > 0 {
		summary = append(summary, itoa(l.back)+" newer below · end to follow")
	} else {
		summary = append(summary, "following")
	}
	if l.filter == "" {
		summary = append(summary, "/ filters")
	}
	b.WriteString(titleLine(l.st, l.w, l.focused, "Log", strings.Join(summary, " · ")))
	n := l.visibleRows()
	if len(lines) == 0 {
		if n > 0 {
			empty := "waiting for requests"
			if l.filter != "" {
				empty = "no line holds " + l.filter
			}
			b.WriteString("\n  " + l.st.Panel.Empty.Render(truncate(empty, l.w-2)))
		}
		return b.String()
	}
	var rows []string // bottom up
	for i := len(lines) - 1 - l.back; i >= 0 && len(rows) < n; i-- {
		line := lines[i]
		style := l.st.Log.Line
		switch {
		case line.kind == logNotice:
			style = l.st.Log.Notice
		case line.kind == logAction:
			style = l.st.Log.Event
		case line.status >= 500:
			style = l.st.State.Failed
		case line.status >= 400:
			style = l.st.State.Cancelled
		}
		wrapped := l.wrap(line.text)
		for j := len(wrapped) - 1; j >= 0 && len(rows) < n; j-- {
			indent := spaces(wrapIndent)
			if j == 0 {
				indent = spaces(logIndent)
			}
			rows = append(rows, indent+style.Render(wrapped[j]))
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		b.WriteByte('\n')
		b.WriteString(rows[i])
	}
	return b.String()
}
