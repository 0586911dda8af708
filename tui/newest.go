package tui

import tea "charm.land/bubbletea/v2"

// newestFirst is the selection and scroll of a list drawn newest first in
// the transfers' place (history, messages, links): sel and off count rows
// from the newest; h is the panel's height, title line included.
type newestFirst struct {
	sel, off int
	h        int
}

func (l newestFirst) visibleRows() int { return max(0, l.h-1) }

// resize takes the panel's new height, for a list of n rows.
func (l *newestFirst) resize(h, n int) {
	l.h = h
	l.off = scrollTo(l.off, l.sel, l.visibleRows(), n)
}

// move moves the selection as the key k says, in a list of n rows.
func (l *newestFirst) move(k tea.KeyPressMsg, keys keyMap, n int) {
	if n == 0 {
		return
	}
	if d, ok := moveBy(k, keys, l.visibleRows(), n); ok {
		l.sel = max(0, min(n-1, l.sel+d))
		l.off = scrollTo(l.off, l.sel, l.visibleRows(), n)
	}
}

// click selects the row'th visible row of a list of n rows.
func (l *newestFirst) click(row, n int) {
	vis := l.visibleRows()
	off := max(0, min(l.off, n-vis))
	if i := off + row; row >= 0 && row < vis && i < n {
		l.sel = i
	}
}
