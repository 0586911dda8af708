package transfer

import "time"

// speedWindow is how far back a speed looks: long enough to span several
// of the bursts a body leaves in (a sendfile chunk is up to 4 MiB: seconds
// at a slow client's speed), short enough to follow a change of pace.
const speedWindow = 10 * time.Second

// settleTime is how long a body's first bytes may only fill the socket
// buffers between the server and the client: megabytes in a moment, at
// no speed the client reads. Once a window has passed, the window never
// reaches back into them.
const settleTime = 2 * time.Second

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
// A speed is the slope of the bytes over time through the steps: a burst
// is counted whole or not at all, so bytes that arrive 4 MiB at a time
// every 4 s read as 1 MiB/s, not as 4 MiB/s for a tick and nothing for the
// rest. An exponential average over ticks swings
// with every burst; this does not.
//
// (The reference step may be older than the window: a transfer that
// stopped keeps it until a window passes without a byte.)
type meter struct {
	// steps are the steps within speedWindow, oldest first, and the newest
	// one before it: the reference the oldest bytes in the window are
	// counted from. Bounded by speedWindow/Interval+1.
	steps []step
	last  int64     // bytes at the last reading
	begin time.Time // when the first bytes could flow
}

func newMeter(now time.Time, bytes int64) meter {
	return meter{steps: []step{{now, bytes}}, last: bytes, begin: now}
}

// observe records the byte count read at now. Readings come in time order.
func (m *meter) observe(now time.Time, bytes int64) {
	if bytes != m.last {
		m.last = bytes
		m.steps = append(m.steps, step{now, bytes})
	}
	// Keep one step at or before the window's start.
	from := now.Add(-speedWindow)
	if settled := m.begin.Add(settleTime); now.Sub(m.begin) >= speedWindow && from.Before(settled) {
		from = settled
	}
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
	m.last, m.begin = bytes, now
}

// rate returns the speed at now in bytes per second, the bytes the
// transfer has likely moved by now, and whether it is stalled: no byte for
// stallAfter, and for more than twice the longest gap between its steps in
// the window (a client reading slowly in big bursts is not stalled between
// them). A stalled transfer's speed is 0.
//
// The wait since the last step does not lower the speed: it cannot tell a
// slower client from a big chunk on its way, which is what it mostly is.
// A slower client shows as its steps land, each gap counted whole; one
// that stopped shows as stalled.
func (m *meter) rate(now time.Time) (bps float64, moved int64, stalled bool) {
	n := len(m.steps)
	last := m.steps[n-1]
	idle := now.Sub(last.at)
	if n == 1 {
		return 0, last.bytes, idle >= stallAfter
	}
	first := m.steps[0]
	var maxGap time.Duration
	for i := 1; i < n; i++ {
		maxGap = max(maxGap, m.steps[i].at.Sub(m.steps[i-1].at))
	}
	if idle >= stallAfter && idle > 2*maxGap {
		return 0, last.bytes, true
	}
	// The least-squares slope through the steps: each step is off the
	// true line by how full the socket's buffers happened to be when its
	// chunk ended, up to a few MiB on a fast link, and a fit through all
	// of them errs less than the line through the first and last alone.
	var mt, mb float64
	for _, s := range m.steps {
		mt += s.at.Sub(first.at).Seconds()
		mb += float64(s.bytes - first.bytes)
	}
	mt, mb = mt/float64(n), mb/float64(n)
	var cov, vt float64
	for _, s := range m.steps {
		dt := s.at.Sub(first.at).Seconds() - mt
		cov += dt * (float64(s.bytes-first.bytes) - mb)
		vt += dt * dt
	}
	if vt <= 0 || cov <= 0 {
		return 0, last.bytes, false
	}
	bps = cov / vt
	// Where the bytes are now: each step carried forward at that speed,
	// the furthest of them. A chunk ends when the buffers took its last
	// byte; the step whose buffers were fullest is the one the body's
	// last chunk will be like, so the time left counts from it, and goes
	// down steadily between chunks.
	ahead := float64(last.bytes)
	for _, s := range m.steps {
		ahead = max(ahead, float64(s.bytes)+bps*now.Sub(s.at).Seconds())
	}
	return bps, int64(ahead), false
}
