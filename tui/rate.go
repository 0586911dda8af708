package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
)

// rateSettle is how long after the last `+` or `-` a rate change is
// logged: holding a key or pressing it five times is one change.
const rateSettle = time.Second

// rateSettledMsg comes rateSettle after a `+` or `-`; seq says which.
type rateSettledMsg struct{ seq int }

// rateLadder is what `+` and `-` step through: the per-client cap in bytes
// per second, 0 = no cap.
var rateLadder = [...]int64{0, 100e3, 500e3, 1e6, 2e6, 5e6, 10e6, 50e6, 100e6}

// stepRate returns the ladder's next cap above cur (up) or below it: `+`
// gives more bandwidth, `-` less. Off is no limit, so it sits above the top
// step: `+` at 100 MB/s turns the cap off, `-` from off sets 100 MB/s, and
// `-` at the lowest step stays there. A cap set by --rate between two steps
// goes to the neighbouring step.
func stepRate(cur int64, up bool) int64 {
	top := rateLadder[len(rateLadder)-1]
	switch {
	case up && cur == 0:
		return 0 // already unlimited
	case up && cur >= top:
		return 0
	case up:
		for _, r := range rateLadder[1:] {
			if r > cur {
				return r
			}
		}
	case cur == 0:
		return top // down from unlimited: the highest cap
	default:
		for i := len(rateLadder) - 1; i > 0; i-- {
			if rateLadder[i] < cur {
				return rateLadder[i]
			}
		}
		return rateLadder[1] // already at or below the lowest step
	}
	return 0
}

// changeRate moves the cap one step at once and says so on the status
// line; the log hears of it once the presses settle (rateSettled).
func (m *Model) changeRate(up bool) tea.Cmd {
	cur := m.ctrl.Rate()
	next := stepRate(cur, up)
	if next == cur {
		switch {
		case next == 0:
			m.setStatus("no rate cap: - sets one")
		default:
			m.setStatus("rate cap already at its lowest: " + formatCap(cur) + " per client")
		}
		return nil
	}
	if !m.ratePending {
		m.rateFrom, m.ratePending = cur, true
	}
	m.rateSeq++
	seq := m.rateSeq
	m.ctrl.SetRate(next)
	m.header.rate = m.ctrl.Rate()
	if m.header.rate == 0 {
		m.setStatus("rate cap off")
	} else {
		m.setStatus("rate cap: " + formatCap(m.header.rate) + " per client")
	}
	return tea.Tick(rateSettle, func(time.Time) tea.Msg { return rateSettledMsg{seq} })
}

// rateSettled logs the cap once no `+` or `-` came for rateSettle: one
// line per settled change, none if it came back to where it was.
func (m *Model) rateSettled(msg rateSettledMsg) {
	if msg.seq != m.rateSeq || !m.ratePending {
		return // another press came since
	}
	m.ratePending = false
	if cur := m.ctrl.Rate(); cur != m.rateFrom {
		m.note("rate cap per client: " + formatCap(cur) + " (was " + formatCap(m.rateFrom) + ")")
	}
}

// shortFingerprint keeps the first and last eight bytes of a fingerprint
// when the whole does not fit: 128 bits, as hard to match by chance as the
// whole, and what people compare by eye anyway.
func shortFingerprint(fp string, w int) string {
	if len(fp) <= w {
		return fp
	}
	parts := strings.Split(fp, ":")
	if len(parts) <= 16 {
		return truncate(fp, w)
	}
	return strings.Join(parts[:8], ":") + "…" + strings.Join(parts[len(parts)-8:], ":")
}
