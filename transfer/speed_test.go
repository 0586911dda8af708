package transfer

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// burstyServer plays a server sending a body to a client that reads a
// steady rate bytes per second, through socket buffers of buffer bytes:
// the server's bytes land in chunks of 64 KiB to 4 MiB, each counted when
// the buffers took the whole of it, as sendfile chunks are. The first
// chunks fill the buffers at once, as on a real connection.
type burstyServer struct {
	rate, buffer, size int64
	rnd                *rand.Rand
	sent               int64 // counted so far
	next               int64 // the size of the chunk in flight
}

func (s *burstyServer) pickChunk() {
	// Log-uniform between 64 KiB and 4 MiB: mostly small, some huge.
	c := int64(math.Exp(math.Log(64<<10) + s.rnd.Float64()*math.Log(64)))
	s.next = min(c, s.size-s.sent)
}

// advance returns the bytes of every chunk complete by elapsed.
func (s *burstyServer) advance(elapsed time.Duration) int64 {
	var n int64
	room := s.buffer + int64(elapsed.Seconds()*float64(s.rate)) // what the client read, plus the buffers
	for s.next > 0 && s.sent+s.next <= room {
		s.sent += s.next
		n += s.next
		s.pickChunk()
	}
	return n
}

// finishAt is when the last chunk is counted.
func (s *burstyServer) finishAt() time.Duration {
	return time.Duration(float64(s.size-s.buffer) / float64(s.rate) * float64(time.Second))
}

// relErr is the relative error of got against want.
func relErr(got, want float64) float64 { return math.Abs(got-want) / want }

// TestSpeedOfBurstyTransfer feeds a tracker, on a fake clock, the bytes of
// a client reading a steady 1 MiB/s that arrive in bursts of 64 KiB to
// 4 MiB, and reads every frame the TUI would show: from 10 s on, the
// transfer's speed and its client's speed are within 20% of 1 MiB/s, and
// its ETA within 20% of the time the last byte is really counted (while
// that is 10 s or more away: a 4 MiB burst moves it by 4 s). Then the
// client stops reading: it shows as stalled, without an ETA, within
// seconds.
func TestSpeedOfBurstyTransfer(t *testing.T) {
	const (
		rate   = 1 << 20
		size   = 96 << 20
		buffer = 4 << 20
		stopAt = 60 * time.Second // the client stops reading
	)
	for seed := range uint64(5) {
		clk := &fakeClock{t: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)}
		tr := newTracker()
		tr.now = clk.now
		start := clk.t
		p := tr.Begin(Info{Kind: Download, Client: "10.0.0.1", Path: "/big.iso", Size: size, Whole: size}, nil)
		srv := &burstyServer{rate: rate, buffer: buffer, size: size, rnd: rand.New(rand.NewPCG(seed, 21))}
		srv.pickChunk()
		finish := srv.finishAt()

		var worstSpeed, worstETA float64
		var stalledAt time.Duration
		for elapsed := Interval; elapsed <= stopAt+speedWindow+stallAfter; elapsed += Interval {
			clk.t = start.Add(elapsed)
			if elapsed <= stopAt {
				if n := srv.advance(elapsed); n > 0 {
					p.Add(n)
				}
			}
			tr.tick(clk.t)
			fr := tr.Snapshot()
			if len(fr.Transfers) != 1 || len(fr.Clients) != 1 {
				t.Fatalf("seed %d, %v: got %d transfers and %d clients, want 1 and 1", seed, elapsed, len(fr.Transfers), len(fr.Clients))
			}
			s, c := fr.Transfers[0], fr.Clients[0]
			if c.Speed != s.Speed {
				t.Errorf("seed %d, %v: client speed %.0f, its one transfer's %.0f: want them equal", seed, elapsed, c.Speed, s.Speed)
			}
			if elapsed > stopAt {
				if s.Stalled && stalledAt == 0 {
					stalledAt = elapsed - stopAt
				}
				if eta := s.ETA(); s.Stalled && eta != -1 {
					t.Errorf("seed %d, %v: a stalled transfer's ETA is %v, want none (-1)", seed, elapsed, eta)
				}
				continue
			}
			if s.Stalled {
				t.Errorf("seed %d, %v: stalled while the client reads %d B/s", seed, elapsed, rate)
			}
			if elapsed < 10*time.Second {
				continue
			}
			e := relErr(s.Speed, rate)
			worstSpeed = max(worstSpeed, e)
			if e > 0.2 {
				t.Errorf("seed %d, %v: speed %.0f B/s, want %d ±20%%", seed, elapsed, s.Speed, rate)
			}
			// A 4 MiB burst moves the last byte by up to 4 s: the ETA is
			// judged while 10 s or more are left.
			if truth := (finish - elapsed).Seconds(); truth >= 10 {
				eta := s.ETA().Seconds()
				e = relErr(eta, truth)
				worstETA = max(worstETA, e)
				if e > 0.2 {
					t.Errorf("seed %d, %v: ETA %.1fs, want the real time left, %.1fs ±20%%", seed, elapsed, eta, truth)
				}
			}
		}
		if stalledAt == 0 {
			t.Errorf("seed %d: never stalled in the %v after the client stopped reading", seed, speedWindow+stallAfter)
		}
		t.Logf("seed %d: worst error from 10 s on: speed %.1f%%, ETA %.1f%% (while 10 s or more are left); stalled %v after the client stopped",
			seed, worstSpeed*100, worstETA*100, stalledAt)
		p.Done(nil)
	}
}

// TestMeterSteadyAndPaused: a steady flow reads exactly; a meter restarted
// at a pause measures from the resume only.
func TestMeterSteadyAndPaused(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	m := newMeter(t0, 0)
	var b int64
	for i := 1; i <= 100; i++ { // 10 s at 100 KB per 100 ms
		b += 100e3
		m.observe(t0.Add(time.Duration(i)*Interval), b)
	}
	now := t0.Add(100 * Interval)
	if got, _, stalled := m.rate(now); math.Abs(got-1e6) > 1 || stalled {
		t.Errorf("steady 1 MB/s: got %.0f B/s, stalled %v; want 1000000, false", got, stalled)
	}
	if bound := int(speedWindow/stepEvery) + 2; len(m.steps) > bound {
		t.Errorf("steps kept: got %d, want at most %d", len(m.steps), bound)
	}
	// Paused for a minute, then 500 KB/s.
	for i := 1; i <= 600; i++ {
		now = now.Add(Interval)
		m.restart(now, b)
	}
	for i := 1; i <= 30; i++ {
		b += 50e3
		now = now.Add(Interval)
		m.observe(now, b)
	}
	if got, _, stalled := m.rate(now); math.Abs(got-500e3) > 1 || stalled {
		t.Errorf("after the pause: got %.0f B/s, stalled %v; want 500000, false", got, stalled)
	}
	// Nothing more: the speed holds, never rising, until it is stalled at 0.
	prev := 500e3
	var stalledAt time.Duration
	for i := 1; i <= int((speedWindow+time.Second)/Interval); i++ {
		now = now.Add(Interval)
		m.observe(now, b)
		got, _, stalled := m.rate(now)
		if got > prev {
			t.Errorf("%v after the last byte: speed rose from %.0f to %.0f", time.Duration(i)*Interval, prev, got)
		}
		prev = got
		if stalled && stalledAt == 0 {
			stalledAt = time.Duration(i) * Interval
		}
	}
	if stalledAt != stallAfter {
		t.Errorf("stalled after %v without a byte, want %v", stalledAt, stallAfter)
	}
	if prev != 0 {
		t.Errorf("stalled: speed %.0f, want 0", prev)
	}
}

// BenchmarkTick1000 is one tick of the tracker's clock with 1000 transfers
// running, each with a full window of steps: the price of windowed speeds,
// paid on the ticker's goroutine ten times a second, never by a transfer.
func BenchmarkTick1000(b *testing.B) {
	clk := &fakeClock{t: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)}
	tr := newTracker()
	tr.now = clk.now
	parts := make([]*Part, 1000)
	for i := range parts {
		parts[i] = tr.Begin(Info{Kind: Download, Client: "10.0.0." + itoa(i%200), Path: "/f" + itoa(i), Size: 1 << 40}, nil)
	}
	for range int(speedWindow / Interval) {
		clk.t = clk.t.Add(Interval)
		for _, p := range parts {
			p.Add(64 << 10)
		}
		tr.tick(clk.t)
	}
	b.ReportAllocs()
	for b.Loop() {
		clk.t = clk.t.Add(Interval)
		for _, p := range parts {
			p.Add(64 << 10)
		}
		tr.tick(clk.t)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestClientSpeedIsItsRows: a client's speed is its transfers' speeds
// added up, so the clients panel and the header agree with the rows.
func TestClientSpeedIsItsRows(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)}
	tr := newTracker()
	tr.now = clk.now
	type load struct {
		client  string
		perTick int64
	}
	loads := []load{{"10.0.0.1", 100e3}, {"10.0.0.1", 30e3}, {"10.0.0.2", 50e3}, {"10.0.0.2", 0}}
	parts := make([]*Part, len(loads))
	for i, l := range loads {
		parts[i] = tr.Begin(Info{Kind: Download, Client: l.client, Path: "/f" + itoa(i), Size: 1e9}, nil)
	}
	for range 50 {
		clk.t = clk.t.Add(Interval)
		for i, l := range loads {
			if l.perTick > 0 {
				parts[i].Add(l.perTick)
			}
		}
		tr.tick(clk.t)
	}
	fr := tr.Snapshot()
	sum := map[string]float64{}
	for _, s := range fr.Transfers {
		sum[s.Client] += s.Speed
	}
	for _, c := range fr.Clients {
		if math.Abs(c.Speed-sum[c.Addr]) > 1e-6 {
			t.Errorf("client %s: speed %.1f, its transfers' add up to %.1f", c.Addr, c.Speed, sum[c.Addr])
		}
	}
	if got := sum["10.0.0.1"]; math.Abs(got-1.3e6) > 1 {
		t.Errorf("10.0.0.1: %.0f B/s, want 1300000", got)
	}
	for _, p := range parts {
		p.Done(nil)
	}
}
