package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// maxMessages bounds the texts the messages panel keeps.
const maxMessages = 1000

// messagesView lists the texts clients sent (the page's "send text" box,
// POST /?text), newest first, in the place of the transfers table while
// `m` shows it. `c` copies the selected one to the clipboard as sent.
type messagesView struct {
	st   *Styles
	keys keyMap

	rows []transfer.Message // oldest first
	newestFirst

	w       int
	focused bool
}

func newMessagesView(st *Styles, keys keyMap) messagesView {
	return messagesView{st: st, keys: keys}
}

// SetSize sets the panel's size, title line included.
func (v *messagesView) SetSize(w, h int) {
	v.w = w
	v.resize(h, len(v.rows))
}

// add keeps a text; a selection below the newest stays on its row.
func (v *messagesView) add(msg transfer.Message) {
	v.rows = append(v.rows, msg)
	if len(v.rows) > maxMessages {
		v.rows = append(v.rows[:0], v.rows[len(v.rows)-maxMessages:]...)
	}
	if v.sel > 0 {
		v.sel = min(v.sel+1, len(v.rows)-1)
	}
	v.off = scrollTo(v.off, v.sel, v.visibleRows(), len(v.rows))
}

// selected is the selected text.
func (v messagesView) selected() (transfer.Message, bool) {
	if len(v.rows) == 0 {
		return transfer.Message{}, false
	}
	return v.rows[len(v.rows)-1-v.sel], true
}

// Update moves the selection.
func (v messagesView) Update(msg tea.Msg) (messagesView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		v.move(k, v.keys, len(v.rows))
	}
	return v, nil
}

// oneLine is a text as one row of the terminal can show it: its lines
// joined with ⏎, every control character escaped (Printable).
func oneLine(text string) string {
	return transfer.Printable(strings.Join(strings.Fields(strings.ReplaceAll(text, "\n", " ⏎ ")), " "))
}

// View renders the title and the visible texts, newest first.
func (v messagesView) View() string {
	if v.h <= 0 || v.w <= 0 {
		return ""
	}
	var b strings.Builder
	summary := plural(len(v.rows), "text", "texts") + " · c copies · m transfers"
	b.WriteString(titleLine(v.st, v.w, v.focused, "Messages", summary))
	n := v.visibleRows()
	if len(v.rows) == 0 {
		if n > 0 {
			b.WriteString("\n  " + v.st.Panel.Empty.Render(truncate("no text yet · a phone sends one from the page when uploads are on", v.w-2)))
		}
		return b.String()
	}
	off := max(0, min(v.off, len(v.rows)-n))
	for i := off; i < min(len(v.rows), off+n); i++ {
		msg := v.rows[len(v.rows)-1-i]
		b.WriteByte('\n')
		b.WriteString(cursorMark(v.st, i == v.sel, v.focused))
		b.WriteString(v.st.Row.Muted.Render(msg.Time.Format("15:04:05")) + " ")
		client := fitCell(transfer.Printable(msg.Client), 15)
		b.WriteString(client + " ")
		b.WriteString(truncate(oneLine(msg.Text), max(1, v.w-2-9-16)))
	}
	return b.String()
}
