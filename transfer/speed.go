package transfer

import "time"

// speedWindow is how far back a speed looks: long enough to span several
// of the bursts a body leaves in (a sendfile chunk is up to 4 MiB: seconds
// at a slow client's speed), short enough to follow a change of pace.
const speedWindow = 8 * time.Second

// stallAfter is the least time without a byte after which a transfer is
// stalled (see meter.stalled).
const stallAfter = 5 * time.Second

// step is a moment the byte count was first seen at a new value.
type step struct {
	at    time.Time
	bytes int64
}

// meter measures one transfer's speed from the byte counts the tracker's
// ticker reads, never from the hot path: the writer only adds to an atomic
// counter, in chunks that arrive in bursts.
//
// A speed is the bytes between two steps over the time between them. Both
// ends are steps, so a burst is counted whole or not at all: bytes that
// arrive 4 MiB at a time every 4 s read as 1 MiB/s, not as 4 MiB/s for a
// tick and nothing for the rest. An exponential average over ticks swings
// with every burst; this does not.
//
// (The reference step may be older than the window: a transfer that
// stopped keeps it until a window passes without a byte.)
type meter struct {
	// steps are the steps within speedWindow, oldest first, and the newest
	// one before it: the reference the oldest bytes in the window are
	// counted from. Bounded by speedWindow/Interval+1.
	steps []step
	last  int64 // bytes at the last reading
}

func newMeter(now time.Time, bytes int64) meter {
	return meter{steps: []step{{now, bytes}}, last: bytes}
}

// observe records the byte count read at now. Readings come in time order.
func (m *meter) observe(now time.Time, bytes int64) {
	if bytes != m.last {
		m.last = bytes
		m.steps = append(m.steps, step{now, bytes})
	}
	// Keep one step at or before the window's start.
	from := now.Add(-speedWindow)
	drop := 0
	for drop+1 < len(m.steps) && !m.steps[drop+1].at.After(from) {
		drop++
	}
	if drop > 0 {
		m.steps = append(m.steps[:0], m.steps[drop:]...)
	}
}

// restart forgets the history: used while paused, so the pause does not
// count as slowness once bytes flow again.
func (m *meter) restart(now time.Time, bytes int64) {
	m.steps = append(m.steps[:0], step{now, bytes})
	m.last = bytes
}

// rate returns the speed at now in bytes per second, and whether the
// transfer is stalled: no byte for stallAfter, and for more than twice the
// longest gap between its steps in the window (a client reading slowly in
// big bursts is not stalled between them). A stalled transfer's speed is 0.
//
// The wait since the last step does not lower the speed: it cannot tell a
// slower client from a big chunk on its way, which is what it mostly is.
// A slower client shows as its steps land, each gap counted whole; one
// that stopped shows as stalled.
func (m *meter) rate(now time.Time) (bps float64, stalled bool) {
	n := len(m.steps)
	last := m.steps[n-1]
	idle := now.Sub(last.at)
	if n == 1 {
		return 0, idle >= stallAfter
	}
	first := m.steps[0]
	var maxGap time.Duration
	for i := 1; i < n; i++ {
		maxGap = max(maxGap, m.steps[i].at.Sub(m.steps[i-1].at))
	}
	if idle >= stallAfter && idle > 2*maxGap {
		return 0, true
	}
	return float64(last.bytes-first.bytes) / last.at.Sub(first.at).Seconds(), false
}
