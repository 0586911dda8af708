package tui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles holds every style the TUI renders with. DefaultStyles picks
// colours that read on the terminal's background; the model rebuilds them
// when the terminal reports its background colour.
type Styles struct {
	Header struct {
		App, Folder, Muted, Uploads Ink
		Serving, Paused, Stopped    Ink
		Draining                    Ink
	}
	Panel struct {
		Title, TitleFocused, Rule, Empty Ink
	}
	Row struct {
		Plain, Cursor, CursorBlurred, Muted Ink
	}
	State struct {
		Finished, Failed, Cancelled, Paused Ink
	}
	Log struct {
		Line, Notice, Event Ink
	}
	Status struct {
		Info, Error, Prompt Ink
	}
	Separator lipgloss.Style
	TooSmall  lipgloss.Style
	// QR draws light modules as blocks on a black background, so the code
	// scans the same on light and dark terminals.
	QR  lipgloss.Style
	Bar struct {
		Full, Empty, Finished, Failed color.Color
	}
	Help  help.Styles
	Input textinput.Styles
}

// DefaultStyles returns the styles for a dark or light background. Accents
// use the terminal's own ANSI colours, which its theme keeps readable;
// greys are picked per background.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		muted  = ld(lipgloss.Color("#6c6c6c"), lipgloss.Color("#8a8a8a"))
		faint  = ld(lipgloss.Color("#bcbcbc"), lipgloss.Color("#4e4e4e"))
		accent = lipgloss.Magenta
		green  = lipgloss.Green
		red    = lipgloss.Red
		yellow = lipgloss.Yellow
		blue   = lipgloss.Blue
	)
	var s Styles
	s.Header.App = inkOf(lipgloss.NewStyle().Bold(true).Foreground(accent))
	s.Header.Folder = inkOf(lipgloss.NewStyle().Bold(true))
	s.Header.Muted = inkOf(lipgloss.NewStyle().Foreground(muted))
	s.Header.Uploads = inkOf(lipgloss.NewStyle().Foreground(yellow))
	s.Header.Serving = inkOf(lipgloss.NewStyle().Bold(true).Foreground(green))
	s.Header.Paused = inkOf(lipgloss.NewStyle().Bold(true).Foreground(yellow))
	s.Header.Stopped = inkOf(lipgloss.NewStyle().Bold(true).Foreground(red))
	s.Header.Draining = inkOf(lipgloss.NewStyle().Bold(true).Foreground(yellow))

	s.Panel.Title = inkOf(lipgloss.NewStyle().Bold(true).Foreground(muted))
	s.Panel.TitleFocused = inkOf(lipgloss.NewStyle().Bold(true).Foreground(accent))
	s.Panel.Rule = inkOf(lipgloss.NewStyle().Foreground(faint))
	s.Panel.Empty = inkOf(lipgloss.NewStyle().Foreground(muted).Italic(true))

	s.Row.Plain = inkOf(lipgloss.NewStyle())
	s.Row.Cursor = inkOf(lipgloss.NewStyle().Bold(true).Foreground(accent))
	s.Row.CursorBlurred = inkOf(lipgloss.NewStyle().Foreground(muted))
	s.Row.Muted = inkOf(lipgloss.NewStyle().Foreground(muted))

	s.State.Finished = inkOf(lipgloss.NewStyle().Foreground(green))
	s.State.Failed = inkOf(lipgloss.NewStyle().Foreground(red))
	s.State.Cancelled = inkOf(lipgloss.NewStyle().Foreground(yellow))
	s.State.Paused = inkOf(lipgloss.NewStyle().Foreground(yellow))

	s.Log.Line = inkOf(lipgloss.NewStyle())
	s.Log.Notice = inkOf(lipgloss.NewStyle().Foreground(blue))
	s.Log.Event = inkOf(lipgloss.NewStyle().Foreground(accent))

	s.Status.Info = inkOf(lipgloss.NewStyle().Foreground(green))
	s.Status.Error = inkOf(lipgloss.NewStyle().Foreground(red))
	s.Status.Prompt = inkOf(lipgloss.NewStyle().Bold(true).Foreground(yellow))

	s.Separator = lipgloss.NewStyle().Foreground(faint)
	s.TooSmall = lipgloss.NewStyle().Foreground(muted)
	s.QR = lipgloss.NewStyle().
		Foreground(lipgloss.Color("#ffffff")).
		Background(lipgloss.Color("#000000"))

	s.Bar.Full = accent
	s.Bar.Empty = faint
	s.Bar.Finished = green
	s.Bar.Failed = red

	s.Help = help.DefaultStyles(isDark)
	s.Input = textinput.DefaultStyles(isDark)
	// A steady cursor: blinking would wake the program twice a second for
	// nothing.
	s.Input.Cursor.Blink = false
	return s
}

// Ink is a style that only colours text (foreground, bold, italic): it
// renders a line by wrapping it in the style's escape sequences, worked out
// once. lipgloss's Render measures and lays out every string it is given,
// and with a hundred transfers redrawn five times a second that was most of
// what a frame cost (docs/PERFORMANCE.md, "The live view costs nothing").
type Ink struct {
	style     lipgloss.Style // for what is not one plain line
	pre, post string
}

func inkOf(st lipgloss.Style) Ink {
	const mark = "\x00"
	r := st.Render(mark)
	pre, post, _ := strings.Cut(r, mark)
	return Ink{style: st, pre: pre, post: post}
}

// Render styles s as lipgloss.Style.Render would.
func (k Ink) Render(s string) string {
	if strings.ContainsAny(s, "\n\t") {
		// lipgloss pads lines to one width and expands tabs.
		return k.style.Render(s)
	}
	return k.pre + s + k.post
}
