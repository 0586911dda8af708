package tui

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// cells is ansi.StringWidth, quicker for what the panels are mostly made
// of: ASCII, SGR colour sequences, and the one-cell symbols the TUI draws
// (rules, bars, arrows, "…", "·", "›"). ansi.StringWidth splits every
// string into grapheme clusters, and a frame of a hundred transfers
// measures thousands of them; anything beyond that short list (wide or
// combining characters, emoji, other escape sequences) goes to it still.
func cells(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// An SGR sequence (colours): digits and separators, then m.
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// oneCell reports whether r is one of the symbols the TUI draws that take
// one cell on their own and never join a cluster with what follows them,
// unless what follows is something cells hands to ansi.StringWidth.
func oneCell(r rune) bool {
	switch {
	case r >= 0x2500 && r <= 0x259f: // box drawing, block elements: ─ │ █ ░ ▀ ▄
		return true
	case r >= 0x2190 && r <= 0x2193: // ← ↑ → ↓
		return true
	}
	switch r {
	case '…', '·', '›', '•', '×', '✓', '✗', '●', '▸', '—', '▏':
		return true
	}
	return false
}
