package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles holds every style the TUI renders with. DefaultStyles picks
// colours that read on the terminal's background; the model rebuilds them
// when the terminal reports its background colour.
type Styles struct {
	Header struct {
		App, Folder, Muted, Uploads lipgloss.Style
		Serving, Paused, Stopped    lipgloss.Style
		Draining                    lipgloss.Style
	}
	Panel struct {
		Title, TitleFocused, Rule, Empty lipgloss.Style
	}
	Row struct {
		Plain, Cursor, CursorBlurred, Muted lipgloss.Style
	}
	State struct {
		Finished, Failed, Cancelled, Paused lipgloss.Style
	}
	Log struct {
		Line, Notice, Event lipgloss.Style
	}
	Status struct {
		Info, Error, Prompt lipgloss.Style
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
	s.Header.App = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Header.Folder = lipgloss.NewStyle().Bold(true)
	s.Header.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Header.Uploads = lipgloss.NewStyle().Foreground(yellow)
	s.Header.Serving = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.Header.Paused = lipgloss.NewStyle().Bold(true).Foreground(yellow)
	s.Header.Stopped = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.Header.Draining = lipgloss.NewStyle().Bold(true).Foreground(yellow)

	s.Panel.Title = lipgloss.NewStyle().Bold(true).Foreground(muted)
	s.Panel.TitleFocused = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Panel.Rule = lipgloss.NewStyle().Foreground(faint)
	s.Panel.Empty = lipgloss.NewStyle().Foreground(muted).Italic(true)

	s.Row.Plain = lipgloss.NewStyle()
	s.Row.Cursor = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Row.CursorBlurred = lipgloss.NewStyle().Foreground(muted)
	s.Row.Muted = lipgloss.NewStyle().Foreground(muted)

	s.State.Finished = lipgloss.NewStyle().Foreground(green)
	s.State.Failed = lipgloss.NewStyle().Foreground(red)
	s.State.Cancelled = lipgloss.NewStyle().Foreground(yellow)
	s.State.Paused = lipgloss.NewStyle().Foreground(yellow)

	s.Log.Line = lipgloss.NewStyle()
	s.Log.Notice = lipgloss.NewStyle().Foreground(blue)
	s.Log.Event = lipgloss.NewStyle().Foreground(accent)

	s.Status.Info = lipgloss.NewStyle().Foreground(green)
	s.Status.Error = lipgloss.NewStyle().Foreground(red)
	s.Status.Prompt = lipgloss.NewStyle().Bold(true).Foreground(yellow)

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
