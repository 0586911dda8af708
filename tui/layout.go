package tui

import "strings"

// The smallest terminal the TUI draws its panels in; below it, it says so.
const (
	minWidth  = 60
	minHeight = 16
)

// sideMinWidth is the width from which the URLs and their code may get a
// column of their own on the left; sideMainMinW is what that column must
// leave the transfers table.
const (
	sideMinWidth = 100
	sideMainMinW = 70
)

// stackMinH is the rows the transfers, clients and log need together to be
// of use: the code beside the URL list yields to them below it.
const stackMinH = 12

// logMinH is the fewest rows the log keeps (its title and two lines) while
// the transfers and clients take their share.
const logMinH = 3

// layout is how the screen is divided, recomputed after every message.
//
// Narrow, the URLs sit above the transfers, clients and log, with the code
// beside the list when there are rows to spare. Wide, the URLs and their
// code get a column on the left: beside the transfers and clients with the
// log across the whole width below (logBelow), or, when that would leave
// the log too few rows, beside all three. Whatever the layout, the log takes every row the others leave.
type layout struct {
	tooSmall  bool
	shortHelp bool   // the full help was asked for but does not fit
	help      string // the footer as drawn
	headerH   int
	statusH   int
	helpH     int
	bodyH     int // between the header and the status line or help

	sideW    int  // the URLs column; 0 when the URLs sit above the panels
	sideH    int  // the URLs column's height
	logBelow bool // the log spans the width under the URLs column
	mainW    int  // the transfers and clients panels' width
	logW     int

	urlsH, transfersH, clientsH, logH int
}

// drawnHelp is the help as drawn for keys in width cells; ok is false until
// it is drawn, and again after the styles change.
type drawnHelp struct {
	ok    bool
	keys  keyState
	width int
	view  string
}

// layout divides the screen between header, panels, status and help, and
// gives each panel its size. Every height comes out of a budget, so the
// whole always fits the window, and the log takes what is left, so the
// whole always fills it.
func (m *Model) layout() {
	w, h := m.width, m.height
	l := layout{headerH: m.header.height()}
	if w < minWidth || h < minHeight {
		l.tooSmall = true
		m.lay = l
		return
	}
	m.header.SetSize(w)
	m.input.SetSize(w)
	m.prompt.SetSize(w)
	m.help.SetWidth(w)
	l.statusH = m.statusHeight()
	// The footer is drawn here and View reuses it; it is drawn again
	// only when the keys, the width or the styles change.
	if !m.footer.ok || m.footer.keys != m.keysFor || m.footer.width != w {
		m.footer = drawnHelp{ok: true, keys: m.keysFor, width: w, view: m.help.View(fittedKeys{m.keys, w})}
	}
	l.help = m.footer.view
	l.helpH = lineCount(l.help)
	l.bodyH = h - l.headerH - l.statusH - l.helpH
	// Ten rows still show a line of each panel while the help is open:
	// enough for 80x24 to show every key.
	if l.bodyH < 10 && m.help.ShowAll {
		// The full help does not fit: show the short one rather than
		// squeezing the panels out.
		l.shortHelp = true
		l.help = m.help.ShortHelpView(m.keys.ShortHelp())
		l.helpH = lineCount(l.help)
		l.bodyH = h - l.headerH - l.statusH - l.helpH
	}

	tWant := 1 + max(1, len(m.transfers.rows))
	if m.showHistory {
		tWant = 1 + max(1, len(m.history.rows))
	}
	if m.showMessages {
		tWant = 1 + max(1, len(m.messages.rows))
	}
	if m.showLinks {
		tWant = 1 + max(1, len(m.links.rows))
	}
	if m.mode == modeRemove {
		tWant = 1 + len(m.items.rows)
	}
	if m.mode == modeBrowse {
		tWant = 1 + max(1, len(m.files.rows))
	}
	cWant := 1 + max(1, len(m.clients.rows))
	if !l.wide(m, w, tWant, cWant) {
		l.narrow(m, w, tWant, cWant)
	}

	m.transfers.SetSize(l.mainW, l.transfersH)
	m.history.SetSize(l.mainW, l.transfersH)
	m.messages.SetSize(l.mainW, l.transfersH)
	m.items.SetSize(l.mainW, l.transfersH)
	m.files.SetSize(l.mainW, l.transfersH)
	m.links.SetSize(l.mainW, l.transfersH)
	m.clients.SetSize(l.mainW, l.clientsH)
	m.log.SetSize(l.logW, l.logH)
	m.lay = l
}

// wide tries the layouts with a URLs column, and reports whether one fits.
func (l *layout) wide(m *Model, w, tWant, cWant int) bool {
	qrW, qrH := m.urls.qrSize()
	if w < sideMinWidth || qrH == 0 {
		return false
	}
	// The URLs whole; their tags too if the transfers keep their width.
	listW, taggedW := m.urls.listWidth()
	sideW := max(qrW, min(listW, 44), min(taggedW, 44, w-1-sideMainMinW))
	mainW := w - sideW - 1
	// The column: its title, the list, a blank line, the code.
	sideH := 1 + max(1, len(m.urls.urls)) + 1 + qrH
	if mainW < sideMainMinW || sideH > l.bodyH {
		return false
	}
	l.sideW, l.mainW = sideW, mainW

	// Best: the column beside the transfers and clients, and the log across
	// the whole width, where its long lines fit. The two panels take their
	// fair share of the body or the column's height, whichever is more. If
	// that is the column's, the log loses rows to it: it must keep a third
	// of the body, or it is better off beside the column, with the rows.
	t, c, besideLog := splitStack(l.bodyH, tWant, cWant)
	band := max(sideH, t+c)
	if log := l.bodyH - band; log >= max(logMinH+2, min(besideLog, l.bodyH/3)) {
		// Rows the column makes spare go to the transfers: new ones then
		// appear without moving the rest.
		l.transfersH, l.clientsH = band-c, c
		l.sideH, l.logBelow = band, true
		l.logW, l.logH = w, log
		m.urls.SetSize(sideW, band, true, false)
		return true
	}

	// The column beside all three.
	l.sideH = l.bodyH
	l.transfersH, l.clientsH, l.logH = splitStack(l.bodyH, tWant, cWant)
	l.logW = mainW
	m.urls.SetSize(sideW, l.bodyH, true, false)
	return true
}

// narrow puts the URLs above the other panels, with the code beside the
// list if that leaves the panels below it room.
func (l *layout) narrow(m *Model, w, tWant, cWant int) {
	nURLs := max(1, len(m.urls.urls))
	qrW, qrH := m.urls.qrSize()
	l.sideW, l.sideH, l.logBelow = 0, 0, false
	l.mainW, l.logW = w, w
	l.urlsH = 1 + min(nURLs, 3)
	showQR := false
	listW, _ := m.urls.listWidth()
	if qrH > 0 && w >= min(listW, 50)+2+qrW && l.bodyH-(1+max(qrH, nURLs)) >= stackMinH {
		l.urlsH = 1 + max(qrH, nURLs)
		showQR = true
	}
	m.urls.SetSize(w, l.urlsH, showQR, true)
	l.transfersH, l.clientsH, l.logH = splitStack(l.bodyH-l.urlsH, tWant, cWant)
}

// splitStack shares rows between the transfers, clients and log panels,
// stacked. The transfers grow with their rows up to half the rows, the
// clients up to a quarter, and the log takes the rest, so it keeps at least
// a quarter. In very few rows every panel keeps its title if it can.
func splitStack(rows, tWant, cWant int) (t, c, log int) {
	if rows <= 0 {
		return 0, 0, 0
	}
	t = min(tWant, max(2, rows/2))
	c = min(cWant, max(2, rows/4))
	for t+c > rows-logMinH && (t > 1 || c > 1) {
		if t >= c {
			t--
		} else {
			c--
		}
	}
	t, c = max(0, min(t, rows)), max(0, min(c, rows-t))
	return t, c, rows - t - c
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// statusHeight is the lines between the panels and the help: the quit
// question, the folder input, or a message.
func (m Model) statusHeight() int {
	n := 0
	if len(m.asks) > 0 {
		n = 1
	}
	return n + m.messageHeight()
}

// messageHeight is statusHeight without the line of a device waiting.
func (m Model) messageHeight() int {
	switch {
	case m.mode == modeConfirmQuit:
		return 1
	case m.mode == modeFolder:
		return m.input.height()
	case m.mode == modePrompt:
		return m.prompt.height()
	case m.mode == modeFilter, m.mode == modeBrowse:
		return 1
	case m.status.text != "":
		return 1
	}
	return 0
}
