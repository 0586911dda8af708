package tui

import (
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpSep is the width of help.Model's FullSeparator between columns.
const helpSep = 4

// fittedKeys is the keys as the full help shows them in a window width
// cells wide: in keyMap.FullHelp's columns when they fit; otherwise the
// same keys, in the same order, poured into the fewest rows that fit, as
// help.Model would drop every column past the width behind a "…".
type fittedKeys struct {
	keyMap
	width int
}

func (f fittedKeys) FullHelp() [][]key.Binding {
	groups := f.keyMap.FullHelp()
	if helpWidth(groups) <= f.width {
		return groups
	}
	var all []key.Binding
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() {
				all = append(all, b)
			}
		}
	}
	for rows := 1; rows < len(all); rows++ {
		var cols [][]key.Binding
		for i := 0; i < len(all); i += rows {
			cols = append(cols, all[i:min(i+rows, len(all))])
		}
		if helpWidth(cols) <= f.width {
			return cols
		}
	}
	return [][]key.Binding{all}
}

// helpWidth is how wide help.Model draws groups as columns: each its
// widest key, a space and its widest description, separated.
func helpWidth(groups [][]key.Binding) int {
	w := 0
	for _, g := range groups {
		kw, dw, n := 0, 0, 0
		for _, b := range g {
			if b.Enabled() {
				n++
				kw = max(kw, ansi.StringWidth(b.Help().Key))
				dw = max(dw, ansi.StringWidth(b.Help().Desc))
			}
		}
		if n == 0 {
			continue
		}
		if w > 0 {
			w += helpSep
		}
		w += kw + 1 + dw
	}
	return w
}
