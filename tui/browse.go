package tui

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// Browser is what a Controller offers when the TUI may browse what is
// shared (b): the server's own confined view of it, folder by folder, so
// the browser shows exactly what clients can reach and reads nothing else.
type Browser interface {
	List(dir string) ([]Entry, error) // the folder at the escaped URL path dir ("/" the top)
	// LinkAt makes a limited link to the file or folder at the escaped URL
	// path u (see Controller.NewLink).
	LinkAt(u string, maxDownloads int, ttl time.Duration) (Link, error)
}

// Entry is one name the browser lists.
type Entry struct {
	Name string
	URL  string // escaped absolute URL path; a folder's ends in "/"
	Dir  bool
	Size int64
}

// browseAction is something done to the entry selected in the browser,
// with its link. The browser offers every action of its list, so another
// one (say, a limited link) is one more element.
type browseAction struct {
	key key.Binding
	run func(m *Model, e Entry, link string) tea.Cmd
}

func defaultBrowseActions() []browseAction {
	return []browseAction{
		{key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")), func(m *Model, e Entry, link string) tea.Cmd {
			m.setStatus("copied " + transfer.Printable(link) + " to the clipboard")
			return tea.SetClipboard(link)
		}},
		{key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pin code")), func(m *Model, e Entry, link string) tea.Cmd {
			m.pinned = e.URL
			m.note("pinned the code of " + e.URL)
			m.setStatus("the code shows " + transfer.Printable(link) + " until another is pinned")
			return nil
		}},
		{key.NewBinding(key.WithKeys("z", "enter"), key.WithHelp("z", "full screen")), func(m *Model, e Entry, link string) tea.Cmd {
			m.zoom, m.mode = link, modeCode
			m.zoomQR, m.zoomErr = renderQR(link, qrQuiet)
			return nil
		}},
		{key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "limited link")), func(m *Model, e Entry, link string) tea.Cmd {
			var cmd tea.Cmd
			m.mode = modePrompt
			m.prompt, cmd = m.prompt.open(promptLinkLimitAt, e.URL, limitsLabel, "1")
			return cmd
		}},
	}
}

// browserView lists one shared folder in the transfers' place.
type browserView struct {
	st      *Styles
	keys    keyMap
	dir     string  // escaped URL path of the folder shown
	rows    []Entry // ".." first below the top
	sel     int
	off     int
	w, h    int
	actions []browseAction
}

// load shows the folder dir as list gives it; on error the view stays.
func (v *browserView) load(b Browser, dir string) error {
	entries, err := b.List(dir)
	if err != nil {
		return err
	}
	rows := entries
	if dir != "/" {
		rows = append([]Entry{{Name: "..", URL: parentURL(dir), Dir: true}}, entries...)
	}
	from := v.dir
	v.dir, v.rows, v.sel, v.off = dir, rows, 0, 0
	for i, r := range rows { // back up: the folder just left stays selected
		if r.URL == from {
			v.sel = i
		}
	}
	v.off = scrollTo(0, v.sel, v.visibleRows(), len(v.rows))
	return nil
}

// dropDeadPin unpins the code when what it showed is no longer shared at
// that URL (after a, R or d change the share), so the code never holds a
// link that answers 404; the share's own URL shows again.
func (m *Model) dropDeadPin() {
	if m.pinned == "" {
		return
	}
	if b := m.browser(); b != nil {
		entries, err := b.List(parentURL(m.pinned))
		if err == nil && slices.ContainsFunc(entries, func(e Entry) bool { return e.URL == m.pinned }) {
			return
		}
	}
	m.note("unpinned the code of " + m.pinned + ": no longer shared there")
	m.pinned = ""
	m.urls.setPath("")
}

// parentURL is the folder above the escaped folder path dir.
func parentURL(dir string) string {
	dir = strings.TrimSuffix(dir, "/")
	return dir[:strings.LastIndexByte(dir, '/')+1]
}

func (v *browserView) SetSize(w, h int) {
	v.w, v.h = w, h
	v.off = scrollTo(v.off, v.sel, v.visibleRows(), len(v.rows))
}

func (v browserView) visibleRows() int { return max(0, v.h-1) }

func (v browserView) selected() (Entry, bool) {
	if v.sel < 0 || v.sel >= len(v.rows) || v.rows[v.sel].Name == ".." {
		return Entry{}, false
	}
	return v.rows[v.sel], true
}

// move moves the selection by d rows.
func (v *browserView) move(d int) {
	if len(v.rows) == 0 {
		return
	}
	v.sel = max(0, min(len(v.rows)-1, v.sel+d))
	v.off = scrollTo(v.off, v.sel, v.visibleRows(), len(v.rows))
}

// rowAt is the row shown on line y of the panel (0 is its title), or -1.
func (v browserView) rowAt(y int) int {
	i := v.off + y - 1
	if y < 1 || i >= len(v.rows) || y > v.visibleRows() {
		return -1
	}
	return i
}

// View renders the folder's path and its entries.
func (v browserView) View() string {
	if v.h <= 0 || v.w <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(titleLine(v.st, v.w, true, "Browse "+displayPath(v.dir), itoa(len(v.rows))+" · enter opens · ← up · esc closes"))
	n := v.visibleRows()
	if len(v.rows) == 0 && n > 0 {
		b.WriteString("\n  " + v.st.Panel.Empty.Render(truncate("nothing here a client could see", v.w-2)))
	}
	for i := v.off; i < min(len(v.rows), v.off+n); i++ {
		e := v.rows[i]
		b.WriteByte('\n')
		b.WriteString(cursorMark(v.st, i == v.sel, true))
		name, size := transfer.Printable(e.Name), ""
		if e.Dir {
			name += "/"
		} else {
			size = formatBytes(e.Size)
		}
		b.WriteString(fitCell(name, max(1, v.w-2-10)) + " " + v.st.Row.Muted.Render(padLeft(size, 9)))
	}
	return b.String()
}

// displayPath is an escaped URL path as people read it, escaped for the
// terminal.
func displayPath(p string) string {
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	return transfer.Printable(p)
}

// browser is the controller's Browser, or nil.
func (m Model) browser() Browser {
	b, _ := m.ctrl.(Browser)
	return b
}

// openBrowser shows the top of the share.
func (m Model) openBrowser() Model {
	m.files.dir = ""
	if err := m.files.load(m.browser(), "/"); err != nil {
		m.setError(err)
		return m
	}
	m.mode = modeBrowse
	m.refreshLinks() // the share's URLs, also over the links list
	m.previewSelected()
	return m
}

// previewSelected points the code at the entry selected, while browsing.
func (m *Model) previewSelected() {
	if e, ok := m.files.selected(); ok {
		m.urls.setPath(e.URL)
	} else {
		m.urls.setPath(m.pinned)
	}
}

// closeBrowser goes back to the panels; the code shows what is pinned.
func (m *Model) closeBrowser() {
	m.mode = modeMain
	m.refreshLinks() // the pinned code, or the selected link's
}

// enterSelected opens the selected folder (or ".."), reading it again.
func (m *Model) enterSelected() bool {
	if m.files.sel >= len(m.files.rows) || !m.files.rows[m.files.sel].Dir {
		return false
	}
	if err := m.files.load(m.browser(), m.files.rows[m.files.sel].URL); err != nil {
		m.setError(err)
	}
	return true
}

// handleBrowseKey handles a key while browsing.
func (m Model) handleBrowseKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Interrupt):
		m.closeBrowser()
		return m.quit()
	case key.Matches(msg, k.BrowseClose):
		m.closeBrowser()
		return m, nil
	case key.Matches(msg, k.BrowseUp):
		if m.files.dir != "/" {
			if err := m.files.load(m.browser(), parentURL(m.files.dir)); err != nil {
				m.setError(err)
			}
		}
	case key.Matches(msg, k.BrowseIn) && m.enterSelected():
	default:
		if d, ok := moveBy(msg, m.files.keys, m.files.visibleRows(), len(m.files.rows)); ok {
			m.files.move(d)
			break
		}
		e, ok := m.files.selected()
		link, hasURL := m.urls.selected()
		for _, a := range m.files.actions {
			if ok && hasURL && key.Matches(msg, a.key) {
				cmd = a.run(&m, e, origin(link.URL)+e.URL)
				break
			}
		}
	}
	if m.mode == modeBrowse {
		m.previewSelected()
	}
	return m, cmd
}

// handleBrowseMouse selects the row clicked (a second click on it opens
// a folder) and scrolls with the wheel.
func (m Model) handleBrowseMouse(msg tea.Msg) Model {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.files.move(-1)
		case tea.MouseWheelDown:
			m.files.move(1)
		}
	case tea.MouseClickMsg:
		// The browser is drawn in the transfers' place.
		p, line, ok := m.panelAt(msg.X, msg.Y)
		i := m.files.rowAt(line)
		if msg.Button != tea.MouseLeft || !ok || p != panelTransfers || i < 0 {
			return m
		}
		if i == m.files.sel {
			m.enterSelected()
		} else {
			m.files.sel = i
		}
	}
	m.previewSelected()
	return m
}

// browseStatus is the line under the panels while browsing: the selected
// entry's link and what can be done with it.
func (m Model) browseStatus() string {
	e, ok := m.files.selected()
	link, hasURL := m.urls.selected()
	if !ok || !hasURL {
		return m.styles.Row.Muted.Render(truncate("select a file or folder for its link and code", m.width))
	}
	var keys []string
	for _, a := range m.files.actions {
		keys = append(keys, a.key.Help().Key+" "+a.key.Help().Desc)
	}
	// The keys are what this line is for: a long link (a secret one) gives
	// way from its start, as its end names the entry.
	what, rest := transfer.Printable(origin(link.URL)+e.URL), " · "+strings.Join(keys, " · ")
	if room := m.width - ansi.StringWidth(rest); room >= 16 {
		what = truncateLeft(what, room)
	}
	return m.styles.Status.Info.Render(truncate(what+rest, m.width))
}

// codeView is the full-screen code of m.zoom with its link under it.
func (m Model) codeView() string {
	if m.zoomErr != nil {
		return truncate(m.zoomErr.Error(), m.width)
	}
	lines := make([]string, len(m.zoomQR), len(m.zoomQR)+3)
	for i, l := range m.zoomQR {
		lines[i] = m.styles.QR.Render(l)
	}
	lines = append(lines, "", truncate(transfer.Printable(m.zoom), m.width), m.styles.Row.Muted.Render("any key goes back"))
	return strings.Join(lines, "\n")
}
