package transfer

import "time"

// speedWindow is how far back a speed looks: long enough to span several
// of the bursts a body leaves in (a sendfile chunk is up to 4 MiB: seconds
// at a slow client's speed), short enough to follow a change of pace.
const speedWindow = 10 * time.Second

// settleTime is how long a body's first bytes may only fill the socket
// buffers between the server and the client: megabytes at once, then more
// as the kernel grows the buffers, at no speed the client reads. Once a
// window has passed, the window never reaches back into them.
const settleTime = 5 * time.Second

// minGaps is the fewest gaps between steps a speed is measured over: when
// a window holds fewer (a slow client's bytes land 8 MB at a time, seconds
// apart, through big buffers), it reaches further back, up to maxWindow.
// Over one gap, how full the buffers happened to be at its two ends is
// most of the answer; over three, much less.
const (
	minGaps   = 3
	maxWindow = 60 * time.Second
)

// stallAfter is the least time without a byte after which a transfer is
// stalled (see meter.stalled).
const stallAfter = 5 * time.Second

// stepEvery is the least time between two steps: the steps seen within
// stepEvery of a step's first reading move it rather than add to it. That
// bounds the work of a tick (a fit through at most speedWindow/stepEvery+2
// steps), loses nothing of a line that bytes on it all follow, and makes
// two chunks that end a tick apart one burst.
const stepEvery = 250 * time.Millisecond

// step is a moment the byte count was first seen at a new value.
type step struct {
	at    time.Duration // since the meter's begin
	bytes int64
}

// meter measures one transfer's speed from the byte counts the tracker's
// ticker reads, never from the hot path: the writer only adds to an atomic
// counter, in chunks that arrive in bursts.
//
// A speed is the slope of the bytes over time through the steps: a burst
// is counted whole or not at all, so bytes that arrive 4 MiB at a time
// every 4 s read as 1 MiB/s, not as 4 MiB/s for a tick and nothing for the
// rest. An exponential average over ticks swings with every burst; this
// does not.
//
// (The reference step may be older than the window: a transfer that
// stopped keeps it until a window passes without a byte.)
type meter struct {
	// steps are the steps within speedWindow, oldest first, and the newest
	// one before it: the reference the oldest bytes in the window are
	// counted from.
	steps []step
	last  int64         // bytes at the last reading
	born  time.Duration // when the newest step was first taken
	begin time.Time     // when the first bytes could flow
}

func newMeter(now time.Time, bytes int64) meter {
	return meter{steps: []step{{0, bytes}}, last: bytes, begin: now}
}

// observe records the byte count read at now. Readings come in time order.
func (m *meter) observe(now time.Time, bytes int64) {
	at := now.Sub(m.begin)
	if bytes != m.last {
		m.last = bytes
		if n := len(m.steps); n >= 2 && at-m.born < stepEvery {
			// The newest of a run of close steps: two chunks that end a
			// tick apart are one burst, the buffers full at its end.
			m.steps[n-1] = step{at, bytes}
		} else {
			m.steps = append(m.steps, step{at, bytes})
			m.born = at
		}
	}
	// Keep one step at or before the window's start, and minGaps steps
	// after it if the window is short of them.
	from := at - speedWindow
	if n := len(m.steps); n > minGaps {
		from = min(from, m.steps[n-1-minGaps].at)
	} else {
		from = min(from, m.steps[0].at)
	}
	from = max(from, at-maxWindow)
	if at >= speedWindow {
		from = max(from, settleTime)
	}
	drop := 0
	for drop+1 < len(m.steps) && m.steps[drop+1].at <= from {
		drop++
	}
	if drop > 0 {
		// Compacting in place only when the dropped steps are many keeps
		// the copying to a step a tick or less.
		m.steps = m.steps[drop:]
		if cap(m.steps) > 2*len(m.steps)+16 {
			m.steps = append(make([]step, 0, 2*len(m.steps)+4), m.steps...)
		}
	}
}

// restart forgets the history: used while paused, so the pause does not
// count as slowness once bytes flow again.
func (m *meter) restart(now time.Time, bytes int64) {
	m.steps = append(m.steps[:0], step{0, bytes})
	m.last, m.begin = bytes, now
}

// rate returns the speed at now in bytes per second, the bytes the
// transfer has likely moved by now, and whether it is stalled: no byte for
// stallAfter, for more than twice the longest gap between its steps in the
// window, and for more than twice the time its biggest step takes at its
// speed (a client reading slowly in big bursts is not stalled between
// them). A stalled transfer's speed is 0.
//
// The wait since the last step does not lower the speed: it cannot tell a
// slower client from a big chunk on its way, which is what it mostly is.
// A slower client shows as its steps land, each gap counted whole; one
// that stopped shows as stalled.
func (m *meter) rate(now time.Time) (bps float64, moved int64, stalled bool) {
	n := len(m.steps)
	last := m.steps[n-1]
	at := now.Sub(m.begin)
	idle := at - last.at
	if n == 1 {
		return 0, last.bytes, idle >= stallAfter
	}
	first := m.steps[0]
	var maxGap time.Duration
	var maxStep int64
	var mt, mb float64
	for i, s := range m.steps {
		if i > 0 {
			maxGap = max(maxGap, s.at-m.steps[i-1].at)
			maxStep = max(maxStep, s.bytes-m.steps[i-1].bytes)
		}
		mt += float64(s.at - first.at)
		mb += float64(s.bytes - first.bytes)
	}
	if idle >= stallAfter && idle > 2*maxGap {
		// Unless the biggest burst seen, at the speed of the window's line
		// through its ends, takes half as long: the next is on its way.
		line := float64(last.bytes-first.bytes) / float64(last.at-first.at) // bytes per ns
		if line <= 0 || idle > 2*time.Duration(float64(maxStep)/line) {
			return 0, last.bytes, true
		}
	}
	// The least-squares slope through the steps: each step is off the
	// true line by how full the socket's buffers happened to be when its
	// chunk ended, up to a few MiB on a fast link, and a fit through all
	// of them errs less than the line through the first and last alone.
	mt, mb = mt/float64(n), mb/float64(n)
	var cov, vt float64
	for _, s := range m.steps {
		dt := float64(s.at-first.at) - mt
		cov += dt * (float64(s.bytes-first.bytes) - mb)
		vt += dt * dt
	}
	if vt <= 0 || cov <= 0 {
		return 0, last.bytes, false
	}
	perNs := cov / vt
	// Where the bytes are now: the line through the steps at now. Each
	// step is off the line by how full the buffers were when its chunk
	// ended; the body's last chunk will be off it like a typical one, not
	// like the fullest (which ran the time left a second or more short),
	// so the time left counts from the line, and goes down steadily
	// between chunks.
	ahead := float64(first.bytes) + mb + perNs*(float64(at-first.at)-mt)
	return perNs * float64(time.Second), int64(ahead), false
}
