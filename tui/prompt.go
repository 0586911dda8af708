package tui

import tea "charm.land/bubbletea/v2"

// promptFor says what a one-line prompt asks for, and so what enter does.
type promptFor int

const (
	promptThrottle    promptFor = iota // a rate for the selected client (T)
	promptLinkPath                     // the file or folder a new link reaches (L, n)
	promptLinkLimit                    // its limits: "1", "1h", "3 2h" or nothing
	promptLinkLimitAt                  // the limits of a link to the browser's selection (b, l)
)

// lineInput is a one-line prompt under the panels with a line for why the
// last value was refused, or for what tab could complete a path to: the
// folder input, asking for something else.
type lineInput struct {
	rootInput
	what  promptFor
	about string // what it is about: the client, the path
}

func newLineInput(st *Styles) lineInput {
	return lineInput{rootInput: newRootInput(st)}
}

// open shows the prompt with label, prefilled with value.
func (p lineInput) open(what promptFor, about, label, value string) (lineInput, tea.Cmd) {
	var cmd tea.Cmd
	p.what, p.about = what, about
	p.rootInput, cmd = p.openFor(label, value, true)
	return p, cmd
}

// Update edits the text; an edit clears the last error.
func (p lineInput) Update(msg tea.Msg) (lineInput, tea.Cmd) {
	var cmd tea.Cmd
	p.rootInput, cmd = p.rootInput.Update(msg)
	return p, cmd
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
	m.prompt.rootInput = m.prompt.complete(base)
}
