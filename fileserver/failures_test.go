package fileserver

import (
	"fmt"
	"testing"
	"time"
)

// TestFailuresBounded: guesses from more addresses than the table holds
// never grow it past maxTracked, refused addresses stay refused while
// others come and go, and records that no longer matter make room.
func TestFailuresBounded(t *testing.T) {
	f := failures{m: make(map[string]*failRecord)}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// One address is refused.
	for range maxFailures {
		f.count("10.0.0.1", now)
	}
	if f.blocked("10.0.0.1", now) != blockFor {
		t.Fatalf("10.0.0.1 after %d failures: got refused for %v, want %v", maxFailures, f.blocked("10.0.0.1", now), blockFor)
	}
	// A flood of addresses, each failing once, within one second.
	for i := range 3 * maxTracked {
		f.count(fmt.Sprintf("10.%d.%d.%d", 1+i>>16, i>>8&255, i&255), now.Add(time.Duration(i)*time.Microsecond*300))
		if n := f.tracked(); n > maxTracked {
			t.Fatalf("after %d addresses: got %d tracked, want at most %d", i+1, n, maxTracked)
		}
	}
	later := now.Add(time.Second)
	if got := f.blocked("10.0.0.1", later); got <= 0 {
		t.Errorf("10.0.0.1 after the flood: got refused for %v, want still refused", got)
	}
	// Past the window the refusal has run out, and a new guesser is still
	// caught however full the table was.
	after := now.Add(blockFor + failWindow + time.Second)
	if got := f.blocked("10.0.0.1", after); got != 0 {
		t.Errorf("10.0.0.1 after %v: got refused for %v, want 0", blockFor, got)
	}
	refused := false
	for range maxFailures {
		refused, _ = f.count("10.250.0.1", after)
	}
	if !refused || f.blocked("10.250.0.1", after) == 0 {
		t.Errorf("a new guesser after the flood: not refused after %d failures", maxFailures)
	}
	if n := f.tracked(); n > maxTracked {
		t.Errorf("got %d tracked, want at most %d", n, maxTracked)
	}
}

func TestFailuresWindow(t *testing.T) {
	f := failures{m: make(map[string]*failRecord)}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Nine failures, then nine more over a minute later: never refused.
	for i := range 2 * (maxFailures - 1) {
		at := now.Add(time.Duration(i) * time.Second)
		if i >= maxFailures-1 {
			at = at.Add(failWindow)
		}
		if refused, _ := f.count("a", at); refused {
			t.Fatalf("failure %d at %v: refused, want not yet", i+1, at.Sub(now))
		}
	}
	if f.blocked("a", now.Add(2*failWindow)) != 0 {
		t.Error("refused after failures spread over two windows")
	}
}

func TestFailKey(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"192.168.1.7", "192.168.1.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an ip", "not an ip"},
	}
	for _, tt := range tests {
		if got := failKey(tt.ip); got != tt.want {
			t.Errorf("failKey(%q): got %q, want %q", tt.ip, got, tt.want)
		}
	}
}
