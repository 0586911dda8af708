package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// promptFor says what a one-line prompt asks for, and so what enter does.
type promptFor int

const (
	promptThrottle    promptFor = iota // a rate for the selected client (T)
	promptLinkPath                     // the file or folder a new link reaches (L, n)
	promptLinkLimit                    // its limits: "1", "1h", "3 2h" or nothing
	promptLinkLimitAt                  // the limits of a link to the browser's selection (b, l)
)

// lineInput is a one-line prompt under the panels with a line for why the
// last value was refused.
type lineInput struct {
	st    *Styles
	input textinput.Model
	what  promptFor
	about string // what it is about: the client, the path
	err   string
	cands []string // what the last tab could complete to
	w     int
}

func newLineInput(st *Styles) lineInput {
	in := textinput.New()
	in.KeyMap.Paste.SetEnabled(false) // bracketed paste comes as tea.PasteMsg
	in.SetStyles(st.Input)
	return lineInput{st: st, input: in}
}

// open shows the prompt with label, prefilled with value.
func (p lineInput) open(what promptFor, about, label, value string) (lineInput, tea.Cmd) {
	p.what, p.about, p.err, p.cands = what, about, "", nil
	p.input.Prompt = label
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.input.SetWidth(max(1, p.w-len(label)-1))
	return p, p.input.Focus()
}

func (p *lineInput) close() {
	p.input.Blur()
	p.err, p.cands = "", nil
}

func (p lineInput) value() string { return p.input.Value() }

func (p *lineInput) fail(err error) { p.err, p.cands = err.Error(), nil }

func (p *lineInput) SetSize(w int) {
	p.w = w
	p.input.SetWidth(max(1, w-len(p.input.Prompt)-1))
}

func (p *lineInput) setStyles(st *Styles) {
	p.st = st
	p.input.SetStyles(st.Input)
}

// Update edits the text; an edit clears the last error.
func (p lineInput) Update(msg tea.Msg) (lineInput, tea.Cmd) {
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.err, p.cands = "", nil
	}
	return p, cmd
}

func (p lineInput) height() int {
	if p.err != "" || len(p.cands) > 0 {
		return 2
	}
	return 1
}

func (p lineInput) View() string {
	line := truncate(p.input.View(), p.w)
	switch {
	case p.err != "":
		return line + "\n" + p.st.Status.Error.Render(truncate("✗ "+transfer.Printable(p.err), p.w))
	case len(p.cands) > 0:
		names := make([]string, len(p.cands))
		for i, c := range p.cands {
			names[i] = transfer.Printable(c)
		}
		return line + "\n" + p.st.Row.Muted.Render(truncate(strings.Join(names, "  "), p.w))
	}
	return line
}

// closePrompt goes back to the main screen.
func (m *Model) closePrompt() {
	fromBrowser := m.prompt.what == promptLinkLimitAt
	m.prompt.close()
	m.mode = modeMain
	if fromBrowser {
		m.refreshLinks() // the browser's preview ends with it
	}
}

// applyPrompt acts on the typed value; a refused one keeps the prompt open.
func (m Model) applyPrompt() (Model, tea.Cmd) {
	switch m.prompt.what {
	case promptThrottle:
		m.applyThrottle()
	case promptLinkPath:
		return m.applyLinkPath()
	case promptLinkLimit, promptLinkLimitAt:
		m.applyLinkLimit()
	}
	return m, nil
}

// completePrompt completes a path prompt with tab, to files and folders.
func (m *Model) completePrompt() {
	if m.prompt.what != promptLinkPath {
		return
	}
	base, _ := m.linkBase()
	v, cands := completePath(m.prompt.value(), base, true)
	m.prompt.err = ""
	if len(cands) > 0 {
		m.prompt.err = "" // the candidates show on the line below
		m.prompt.cands = cands
	}
	if v != m.prompt.value() {
		m.prompt.input.SetValue(v)
		m.prompt.input.CursorEnd()
	}
}
