package transfer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"2MB/s", 2e6, false},
		{"500KB/s", 500e3, false},
		{"500kB/s", 500e3, false},
		{"1.5MiB/s", 1572864, false},
		{"64KiB", 64 << 10, false},
		{"1GB/s", 1e9, false},
		{"2GiB/s", 2 << 30, false},
		{"1000B/s", 1000, false},
		{" 2 MB/s ", 2e6, false},
		{"0.5MB", 500e3, false},
		{"0", 0, false},
		{"off", 0, false},
		{"0MB/s", 0, false},
		{"", 0, true},
		{"MB/s", 0, true},
		{"2", 0, true},      // no unit: bytes or bits?
		{"2Mb/s", 0, true},  // bits are not a unit here
		{"2mb/s", 0, true},  // nor are lower-case units
		{"2 MBps", 0, true}, // unknown unit
		{"2MB/h", 0, true},  // per second only
		{"-2MB/s", 0, true}, // negative
		{"1.2.3MB/s", 0, true},
		{"500B/s", 0, true},   // below 1KB/s
		{"2000GB/s", 0, true}, // above 1000GB/s
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseRate(%q): got %d, %v; want %d, error %t", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormatRate(t *testing.T) {
	tests := []struct {
		bps  int64
		want string
	}{
		{0, "off"},
		{100e3, "100 KB/s"},
		{2e6, "2 MB/s"},
		{2500e3, "2.5 MB/s"},
		{1572864, "1.5 MiB/s"},
		{1 << 20, "1 MiB/s"},
		{64 << 10, "64 KiB/s"},
		{1000, "1 KB/s"},
		{1e9, "1 GB/s"},
		{1234567, "1.23 MB/s"}, // neither exact: decimal, rounded
	}
	for _, tt := range tests {
		if got := FormatRate(tt.bps); got != tt.want {
			t.Errorf("FormatRate(%d): got %q, want %q", tt.bps, got, tt.want)
		}
		if tt.bps == 0 || tt.want == "1.23 MB/s" {
			continue
		}
		// What FormatRate writes, ParseRate reads back (without the space).
		if back, err := ParseRate(tt.want); err != nil || back != tt.bps {
			t.Errorf("ParseRate(FormatRate(%d)=%q): got %d, %v", tt.bps, tt.want, back, err)
		}
	}
}

func TestLimiterOffTakesAtOnce(t *testing.T) {
	for _, l := range []*Limiter{nil, NewLimiter(0)} {
		n, err := l.Take(context.Background(), "10.0.0.1", 1<<30)
		if n != 1<<30 || err != nil {
			t.Errorf("Take without a cap: got %d, %v; want %d, nil", n, err, 1<<30)
		}
		if l.Rate() != 0 || l.Burst() != 0 {
			t.Errorf("Rate, Burst: got %d, %d; want 0, 0", l.Rate(), l.Burst())
		}
	}
}

func TestLimiterBurst(t *testing.T) {
	tests := []struct{ bps, burst int64 }{
		{1000, minBurst}, // floor
		{100e3, 25e3},    // a quarter second
		{2e6, 500e3},
		{100e6, maxBurst}, // ceiling: the largest chunk
	}
	for _, tt := range tests {
		l := NewLimiter(tt.bps)
		if got := l.Burst(); got != tt.burst {
			t.Errorf("Burst at %d B/s: got %d, want %d", tt.bps, got, tt.burst)
		}
		n, err := l.Take(context.Background(), "a", 1<<30)
		if err != nil || n != tt.burst {
			t.Errorf("Take(1 GiB) at %d B/s: got %d, %v; want the burst %d", tt.bps, n, err, tt.burst)
		}
	}
}

// TestLimiterSharedPerClient: two takers as one client together get the
// cap; another client is not slowed by them. Generous bounds: the check is
// that sharing happens, not the timer's precision.
func TestLimiterSharedPerClient(t *testing.T) {
	const bps = 400e3 // burst 100 KB
	l := NewLimiter(bps)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	got := map[string]int64{}
	var wg sync.WaitGroup
	take := func(client string) {
		defer wg.Done()
		for ctx.Err() == nil {
			n, err := l.Take(ctx, client, 16<<10)
			if err != nil {
				return
			}
			mu.Lock()
			got[client] += n
			mu.Unlock()
		}
	}
	start := time.Now()
	wg.Add(3)
	go take("a")
	go take("a")
	go take("b")
	deadline := time.After(1500 * time.Millisecond)
	<-deadline
	cancel()
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	burst := float64(l.Burst())
	limit := bps*elapsed*1.25 + burst
	for _, c := range []string{"a", "b"} {
		if float64(got[c]) > limit {
			t.Errorf("client %s took %d bytes in %.2fs, want at most %.0f", c, got[c], elapsed, limit)
		}
	}
	// b alone reaches most of the cap: it does not share a's bucket.
	if floor := bps * elapsed * 0.6; float64(got["b"]) < floor {
		t.Errorf("client b took %d bytes in %.2fs, want at least %.0f", got["b"], elapsed, floor)
	}
}

// TestLimiterSetRateWakesWaiters: a taker waiting under a low cap goes on
// at once when the cap is lifted, and one waiting under a high cap waits
// for the lower one set meanwhile.
func TestLimiterSetRateWakesWaiters(t *testing.T) {
	l := NewLimiter(MinRate) // burst 4 KiB: a 4 KiB take waits about 4 s once the bucket is empty
	ctx := context.Background()
	if _, err := l.Take(ctx, "a", minBurst); err != nil { // empty it
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := l.Take(ctx, "a", minBurst)
		done <- err
	}()
	// Waiting or not yet: either way SetRate(0) must let it through.
	l.SetRate(0)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Take: got %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Take still waiting 2s after the cap was lifted")
	}
}

func TestLimiterCancel(t *testing.T) {
	l := NewLimiter(MinRate)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := l.Take(ctx, "a", minBurst); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := l.Take(ctx, "a", minBurst)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Take: got %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Take still waiting 2s after its context was cancelled")
	}
}

// TestLimiterForgetsIdleClients: buckets that have refilled are dropped, so
// many clients seen once do not pile up.
func TestLimiterForgetsIdleClients(t *testing.T) {
	l := NewLimiter(100e6) // refills its 4 MiB burst in 42 ms
	ctx := context.Background()
	for i := range 10 * minSweep {
		if _, err := l.Take(ctx, fmt.Sprintf("10.0.%d.%d", i/256, i%256), 1); err != nil {
			t.Fatal(err)
		}
	}
	// Each took one byte: every bucket is full again within a millisecond.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := l.Take(ctx, "192.168.1.1", 1); err != nil {
			t.Fatal(err)
		}
		if n := l.Clients(); n <= 2*minSweep {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("buckets: got %d after %d clients came and went, want at most %d", n, 10*minSweep, 2*minSweep)
		}
		for i := range minSweep { // new clients make the map sweep
			l.Take(ctx, fmt.Sprintf("10.1.%d.%d", i/256, i%256), 1)
		}
	}
}
