package tui

import (
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// rootInput is the "change folder" prompt: a text input prefilled with the
// served folder, tab completion over folder names, and a line for the
// candidates or for why the folder was refused.
type rootInput struct {
	st    *Styles
	input textinput.Model
	err   string   // why the last folder was refused
	cands []string // what the last tab could complete to
	files bool     // files complete too (a path to share), not only folders
	w     int
}

func newRootInput(st *Styles) rootInput {
	in := textinput.New()
	in.Prompt = "serve folder: "
	// Terminals paste with bracketed paste (tea.PasteMsg); the input's own
	// ctrl+v would run a clipboard helper program.
	in.KeyMap.Paste.SetEnabled(false)
	in.SetStyles(st.Input)
	return rootInput{st: st, input: in}
}

// open prefills the input with the folder being served and focuses it.
func (r rootInput) open(root string) (rootInput, tea.Cmd) {
	return r.openFor("serve folder: ", root, false)
}

// openFor opens the input with prompt and value; files says whether it
// completes files as well as folders.
func (r rootInput) openFor(prompt, value string, files bool) (rootInput, tea.Cmd) {
	r.err, r.cands, r.files = "", nil, files
	r.input.Prompt = prompt
	r.SetSize(r.w)
	r.input.SetValue(value)
	r.input.CursorEnd()
	return r, r.input.Focus()
}

func (r *rootInput) close() {
	r.input.Blur()
	r.err, r.cands = "", nil
}

func (r rootInput) value() string { return r.input.Value() }

// fail shows why a folder was refused; the input stays open to fix it.
func (r *rootInput) fail(err error) { r.err, r.cands = err.Error(), nil }

// complete completes the folder name before the cursor, relative to base.
func (r rootInput) complete(base string) rootInput {
	v, cands := completePath(r.input.Value(), base, r.files)
	r.err, r.cands = "", cands
	if v != r.input.Value() {
		r.input.SetValue(v)
		r.input.CursorEnd()
	}
	return r
}

func (r *rootInput) SetSize(w int) {
	r.w = w
	r.input.SetWidth(max(1, w-len(r.input.Prompt)-1))
}

func (r *rootInput) setStyles(st *Styles) {
	r.st = st
	r.input.SetStyles(st.Input)
}

// Update edits the text; any edit clears the last error and candidates.
func (r rootInput) Update(msg tea.Msg) (rootInput, tea.Cmd) {
	before := r.input.Value()
	var cmd tea.Cmd
	r.input, cmd = r.input.Update(msg)
	if r.input.Value() != before {
		r.err, r.cands = "", nil
	}
	return r, cmd
}

// height is how many lines View renders.
func (r rootInput) height() int {
	if r.err != "" || len(r.cands) > 0 {
		return 2
	}
	return 1
}

func (r rootInput) View() string {
	line := truncate(r.input.View(), r.w)
	switch {
	case r.err != "":
		return line + "\n" + r.st.Status.Error.Render(truncate("✗ "+transfer.Printable(r.err), r.w))
	case len(r.cands) > 0:
		names := make([]string, len(r.cands))
		for i, c := range r.cands {
			names[i] = transfer.Printable(c)
			if !r.files { // with files, folders carry their separator already
				names[i] += string(filepath.Separator)
			}
		}
		return line + "\n" + r.st.Row.Muted.Render(truncate(strings.Join(names, "  "), r.w))
	}
	return line
}
