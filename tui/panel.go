package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// panel names the parts of the screen that take focus, in tab order.
type panel int

const (
	panelURLs panel = iota
	panelTransfers
	panelClients
	panelLog
	numPanels
)

// titleLine renders a panel's title row: its name, a short summary, and a
// rule to the edge. The focused panel's title stands out.
func titleLine(st *Styles, w int, focused bool, name, summary string) string {
	title := st.Panel.Title
	mark := "  "
	if focused {
		title = st.Panel.TitleFocused
		mark = "▸ "
	}
	s := title.Render(mark + name)
	if summary != "" {
		s += " " + st.Row.Muted.Render(summary)
	}
	if rest := w - cells(s) - 1; rest > 0 {
		s += " " + st.Panel.Rule.Render(strings.Repeat("─", rest))
	}
	return truncate(s, w)
}

// cursorMark is the two cells in front of a row: a pointer on the selected
// row, dimmed when its panel is not focused.
func cursorMark(st *Styles, selected, focused bool) string {
	switch {
	case selected && focused:
		return st.Row.Cursor.Render("›") + " "
	case selected:
		return st.Row.CursorBlurred.Render("›") + " "
	default:
		return "  "
	}
}

// fitBlock makes s exactly w cells wide and h lines tall: longer lines are
// cut, shorter ones padded, missing lines added. Whatever a component
// renders, the screen never overflows.
func fitBlock(s string, w, h int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		lw := cells(line)
		if lw > w {
			line = ansi.Truncate(line, w, "")
			lw = cells(line)
		}
		b.WriteString(line)
		b.WriteString(spaces(w - lw))
	}
	return b.String()
}

// scrollTo returns the first visible row so that sel is visible in a window
// of n rows over total rows, moving off as little as possible.
func scrollTo(off, sel, n, total int) int {
	if n <= 0 {
		return 0
	}
	if sel < off {
		off = sel
	}
	if sel >= off+n {
		off = sel - n + 1
	}
	return max(0, min(off, total-n))
}

// moveBy is how far a navigation key moves the selection of a list of n
// rows that shows page of them at a time (down is positive); ok is false
// for any other key.
func moveBy(k tea.KeyPressMsg, keys keyMap, page, n int) (delta int, ok bool) {
	page = max(1, page)
	switch {
	case key.Matches(k, keys.Up):
		return -1, true
	case key.Matches(k, keys.Down):
		return 1, true
	case key.Matches(k, keys.PageUp):
		return -page, true
	case key.Matches(k, keys.PageDown):
		return page, true
	case key.Matches(k, keys.Top):
		return -n, true
	case key.Matches(k, keys.Bottom):
		return n, true
	}
	return 0, false
}
