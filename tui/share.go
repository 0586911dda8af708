package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// Sharer is what a Controller offers when what is shared can change live:
// `a` adds a path beside the others, `R` removes one of several.
type Sharer interface {
	Items() []Item                   // what is shared, in order
	Add(path string) (string, error) // share path too; the name it is listed under
	Remove(name string) error        // stop sharing the item called name
}

// Item is one shared path.
type Item struct {
	Name string // its name at the top of a share of several; "" when alone
	Path string // on disk
	Dir  bool
}

// urlPath is the decoded URL path under which the item's files are
// served, as transfers show them.
func (it Item) urlPath() string {
	if it.Dir {
		return "/" + it.Name + "/"
	}
	return "/" + it.Name
}

// itemsView is the list `R` shows in the transfers' place: the shared
// paths, one selected for removal.
type itemsView struct {
	st   *Styles
	keys keyMap
	rows []Item
	sel  int
	w, h int
}

func (v *itemsView) SetSize(w, h int) { v.w, v.h = w, h }

func (v itemsView) selected() (Item, bool) {
	if v.sel < 0 || v.sel >= len(v.rows) {
		return Item{}, false
	}
	return v.rows[v.sel], true
}

// Update moves the selection.
func (v itemsView) Update(msg tea.Msg) (itemsView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && len(v.rows) > 0 {
		if d, ok := moveBy(k, v.keys, max(1, v.h-1), len(v.rows)); ok {
			v.sel = max(0, min(len(v.rows)-1, v.sel+d))
		}
	}
	return v, nil
}

// View renders the title and the shared paths.
func (v itemsView) View() string {
	if v.h <= 0 || v.w <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(titleLine(v.st, v.w, true, "Shared", itoa(len(v.rows))+" paths · enter stops sharing the selected one · esc keeps them"))
	n := max(0, v.h-1)
	off := scrollTo(0, v.sel, n, len(v.rows))
	nameW := 4
	for _, it := range v.rows {
		nameW = max(nameW, min(24, len(transfer.Printable(it.urlPath()))))
	}
	for i := off; i < min(len(v.rows), off+n); i++ {
		it := v.rows[i]
		b.WriteByte('\n')
		b.WriteString(cursorMark(v.st, i == v.sel, true))
		b.WriteString(fitCell(transfer.Printable(it.urlPath()), nameW) + " ")
		b.WriteString(v.st.Row.Muted.Render(truncateLeft(transfer.Printable(it.Path), max(1, v.w-3-nameW))))
	}
	return b.String()
}

// sharer is the controller's Sharer, or nil when it cannot change what
// is shared.
func (m Model) sharer() Sharer {
	s, _ := m.ctrl.(Sharer)
	return s
}

// openAdd opens the prompt for a path to share beside the others; its
// relative paths start from the folder shareit was started in.
func (m Model) openAdd() (Model, tea.Cmd) {
	m.mode, m.adding = modeFolder, true
	var cmd tea.Cmd
	m.input, cmd = m.input.openFor("share also: ", "", true)
	return m, cmd
}

// applyAdd shares the typed path. A refused path keeps the prompt open
// with the reason; what was shared stays shared.
func (m *Model) applyAdd() {
	v := m.input.value()
	if v == "" {
		m.input.fail(errEmptyPath)
		return
	}
	path := resolveDir(v, workDir())
	name, err := m.sharer().Add(path)
	if err != nil {
		m.input.fail(err)
		return
	}
	m.closeInput()
	m.refresh()
	m.dropDeadPin() // a folder alone's URLs move under its name
	m.setStatus("now sharing " + transfer.Printable(path) + " as /" + transfer.Printable(name))
	m.note("now sharing " + path + " as /" + name)
}

// openRemove shows the shared paths to pick one to stop sharing.
func (m Model) openRemove() Model {
	items := m.sharer().Items()
	if len(items) < 2 {
		m.setStatus("only one path is shared: d changes it, a shares another beside it")
		return m
	}
	m.mode = modeRemove
	m.items.rows, m.items.sel = items, 0
	return m
}

// applyRemove stops sharing the selected item. Transfers running from it
// finish; the status says how many.
func (m *Model) applyRemove() {
	it, ok := m.items.selected()
	m.mode = modeMain
	if !ok {
		return
	}
	if err := m.sharer().Remove(it.Name); err != nil {
		m.setError(err)
		return
	}
	m.refresh()
	m.dropDeadPin()
	running := 0
	for _, r := range m.transfers.rows {
		if r.State == transfer.Active && (r.Path == it.urlPath() || strings.HasPrefix(r.Path, it.urlPath()) && it.Dir) {
			running++
		}
	}
	text := "stopped sharing " + it.Path + " (/" + it.Name + ")"
	m.note(text)
	if running > 0 {
		text += "; " + plural(running, "transfer from it finishes", "transfers from it finish") + ", new requests get 404"
	}
	m.setStatus(transfer.Printable(text))
}
