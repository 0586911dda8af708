package transfer

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Bounds of a rate cap, in bytes per second. Below MinRate a chunk would
// wait many seconds, and pause or cancel with it.
const (
	MinRate = 1000
	MaxRate = 1000 * 1000 * 1000 * 1000 // 1 TB/s: no network is faster
)

// Bounds of a client's burst: the bytes it may move at once after being
// idle, and so the largest chunk the server sends in one sendfile call.
const (
	minBurst = 4 << 10
	maxBurst = 4 << 20
	// burstTime of traffic at the cap: small enough that a client's speed
	// looks steady, large enough that each chunk is worth a system call.
	burstTime = 250 * time.Millisecond
)

// Limiter caps the bandwidth of each client: every connection of one client
// address draws on that client's one token bucket, so opening more
// connections gets no more bytes. Its methods are safe for concurrent use;
// a nil *Limiter caps nothing.
//
// A bucket that has refilled to its burst is the same as a new one, so it is
// dropped: the buckets kept are those of clients that moved bytes in the
// last few seconds, and memory does not grow with the clients ever seen.
type Limiter struct {
	bps atomic.Int64 // bytes per second; 0 = no cap (read without mu)

	mu      sync.Mutex
	burst   int64
	changed chan struct{} // closed when the cap changes, to wake waiters
	buckets map[string]*rate.Limiter
	sweepAt int // sweep full buckets when the map reaches this size
}

// minSweep is the number of buckets from which adding one first drops the
// full ones.
const minSweep = 64

// NewLimiter returns a limiter capping each client at bps bytes per second;
// 0 means no cap.
func NewLimiter(bps int64) *Limiter {
	l := &Limiter{changed: make(chan struct{}), buckets: make(map[string]*rate.Limiter), sweepAt: minSweep}
	l.SetRate(bps)
	return l
}

// Rate is the cap in bytes per second, 0 for none.
func (l *Limiter) Rate() int64 {
	if l == nil {
		return 0
	}
	return l.bps.Load()
}

// Burst is the most bytes Take grants at once under the current cap; 0
// when there is no cap.
func (l *Limiter) Burst() int64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.burst
}

// SetRate changes the cap, for the transfers running too: those waiting for
// bytes wake and wait again at the new rate. Values below 0 mean no cap.
func (l *Limiter) SetRate(bps int64) {
	bps = max(bps, 0)
	l.mu.Lock()
	defer l.mu.Unlock()
	if bps == l.bps.Load() && l.burst == burstFor(bps) {
		return
	}
	l.bps.Store(bps)
	l.burst = burstFor(bps)
	now := time.Now()
	for addr, b := range l.buckets {
		if bps == 0 {
			delete(l.buckets, addr)
			continue
		}
		b.SetLimitAt(now, rate.Limit(bps))
		b.SetBurstAt(now, int(l.burst))
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// burstFor is the burst for a cap: burstTime of traffic, within bounds.
func burstFor(bps int64) int64 {
	if bps <= 0 {
		return 0
	}
	return min(max(int64(float64(bps)*burstTime.Seconds()), minBurst), maxBurst)
}

// Take waits until client may move more bytes and returns how many: want,
// or the burst if that is smaller. Without a cap it returns want at once.
// It returns early with ctx's error when ctx is done.
func (l *Limiter) Take(ctx context.Context, client string, want int64) (int64, error) {
	for {
		if want <= 0 || l.Rate() == 0 {
			return want, nil
		}
		now := time.Now()
		l.mu.Lock()
		if l.bps.Load() == 0 {
			l.mu.Unlock()
			return want, nil
		}
		n := min(want, l.burst)
		// Reserving under mu keeps a sweep from dropping the bucket between
		// finding it and drawing on it.
		r := l.bucket(client, now).ReserveN(now, int(n))
		changed := l.changed
		l.mu.Unlock()
		if !r.OK() {
			return 0, errors.New("rate: reservation refused") // n ≤ burst: cannot happen
		}
		d := r.DelayFrom(now)
		if d <= 0 {
			return n, nil
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
			return n, nil
		case <-changed:
			t.Stop()
			r.Cancel() // wait again under the new cap
		case <-ctx.Done():
			t.Stop()
			r.Cancel()
			return 0, ctx.Err()
		}
	}
}

// bucket returns client's bucket, making it. l.mu must be held.
func (l *Limiter) bucket(client string, now time.Time) *rate.Limiter {
	b := l.buckets[client]
	if b != nil {
		return b
	}
	if len(l.buckets) >= l.sweepAt {
		for addr, x := range l.buckets {
			if x.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, addr)
			}
		}
		l.sweepAt = max(minSweep, 2*len(l.buckets))
	}
	b = rate.NewLimiter(rate.Limit(l.bps.Load()), int(l.burst))
	l.buckets[client] = b
	return b
}

// Clients is how many client buckets the limiter holds (for tests).
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// rateUnits are the units ParseRate accepts: decimal ones (1 KB = 1000 B)
// and binary ones (1 KiB = 1024 B).
var rateUnits = map[string]float64{
	"B":  1,
	"KB": 1e3, "kB": 1e3, "MB": 1e6, "GB": 1e9,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
}

// ParseRate reads a rate such as "2MB/s", "500KB/s", "1.5MiB/s" or
// "64KiB": a number, a unit (B, KB, MB, GB in powers of 1000; KiB, MiB, GiB
// in powers of 1024) and an optional "/s". "0" and "off" mean no cap. It
// returns bytes per second.
func ParseRate(s string) (int64, error) {
	in := strings.TrimSpace(s)
	if in == "0" || strings.EqualFold(in, "off") {
		return 0, nil
	}
	f, unit, ok := splitQuantity(strings.TrimSuffix(in, "/s"))
	if !ok {
		return 0, errors.New("want a number and a unit, such as 2MB/s, 500KB/s or 1.5MiB/s")
	}
	mul, known := rateUnits[unit]
	if !known {
		return 0, errors.New("unknown unit " + strconv.Quote(unit) + ": want B, KB, MB, GB, KiB, MiB or GiB")
	}
	bps := math.Round(f * mul)
	switch {
	case bps == 0:
		return 0, nil
	case bps < MinRate:
		return 0, errors.New("too low: the smallest cap is 1KB/s")
	case bps > MaxRate:
		return 0, errors.New("too high: the largest cap is 1000GB/s")
	}
	return int64(bps), nil
}

// FormatRate renders a cap for people: "off", "500 KB/s", "1.5 MiB/s".
// It uses the decimal units unless the binary ones say it exactly and the
// decimal ones do not.
func FormatRate(bps int64) string {
	if bps <= 0 {
		return "off"
	}
	dec, exact := formatIn(bps, 1000, "B", "KB", "MB", "GB")
	if !exact {
		if bin, ok := formatIn(bps, 1024, "B", "KiB", "MiB", "GiB"); ok {
			return bin + "/s"
		}
	}
	return dec + "/s"
}

// formatIn renders n in the largest of units (each base times the one
// before) that keeps it at least 1, with up to two decimals, and reports
// whether that is exact.
func formatIn(n int64, base float64, units ...string) (string, bool) {
	v, u := float64(n), 0
	for v >= base && u < len(units)-1 {
		v /= base
		u++
	}
	r := math.Round(v*100) / 100
	return strconv.FormatFloat(r, 'f', -1, 64) + " " + units[u], math.Abs(v*100-math.Round(v*100)) < 1e-6
}
