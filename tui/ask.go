package tui

import (
	"errors"
	"time"

	"shareit/transfer"
)

// Devices waiting to be let in (--ask): the oldest one shows on a line
// above the status line, with how many more wait; A allows it, D denies it.

// refreshAsks reads the devices waiting.
func (m *Model) refreshAsks() { m.asks = m.ctrl.Asks() }

// askLine is the line about the oldest device waiting, "" when none is.
func (m Model) askLine() string {
	if len(m.asks) == 0 {
		return ""
	}
	a := m.asks[0]
	text := "? " + transfer.Printable(a.Client) + " (" + transfer.Printable(a.Device) + ") asks to come in, " +
		formatWait(m.now().Sub(a.Since)) + " · A allow · D deny"
	if n := len(m.asks) - 1; n > 0 {
		text += " · " + itoa(n) + " more waiting"
	}
	return m.styles.Status.Prompt.Render(truncate(text, m.width))
}

// formatWait is how long a device has waited: "just now", "45s ago".
func formatWait(d time.Duration) string {
	if d < 2*time.Second {
		return "just now"
	}
	return itoa(int(d/time.Second)) + "s ago"
}

// answerAsk allows or denies the oldest device waiting.
func (m *Model) answerAsk(allow bool) {
	if len(m.asks) == 0 {
		return
	}
	a := m.asks[0]
	who := transfer.Printable(a.Client) + " (" + transfer.Printable(a.Device) + ")"
	switch {
	case allow && m.ctrl.Allow(a.Key):
		m.setStatus("allowed " + who)
	case allow:
		m.setError(errTooManyAllowed)
	default:
		if err := m.ctrl.Deny(a.Key); err != nil {
			m.setError(err)
		} else {
			m.setStatus("denied " + who + ": its page says so; U in the clients panel undoes it")
		}
	}
	m.refreshAsks()
	m.refreshMarks()
}

var errTooManyAllowed = errors.New("too many devices allowed already")
