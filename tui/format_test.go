package tui

import (
	"math"
	"testing"
	"time"
)

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-1, "0 B"},
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{100 << 10, "100 KiB"},
		{1<<20 - 1, "1023 KiB"},
		{12*mib + 300<<10, "12.2 MiB"},
		{6 * gib, "6.0 GiB"},
		{3 << 40, "3.0 TiB"},
	}
	for _, tt := range tests {
		if got := formatBytes(tt.n); got != tt.want {
			t.Errorf("formatBytes(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestFormatProgress(t *testing.T) {
	tests := []struct {
		done, total int64
		want        string
	}{
		{512, 2048, "512 B/2.0 KiB"},
		{2*gib + 512*mib, 6 * gib, "2.5/6.0 GiB"},
		{512 << 10, 2 * mib, "512 KiB/2.0 MiB"},
		{300 * mib, -1, "300 MiB"},
		{0, 0, "0 B/0 B"},
	}
	for _, tt := range tests {
		if got := formatProgress(tt.done, tt.total); got != tt.want {
			t.Errorf("formatProgress(%d, %d): got %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
}

func TestFormatSpeed(t *testing.T) {
	tests := []struct {
		bps  float64
		want string
	}{
		{0, "0 B/s"},
		{0.5, "0 B/s"},
		{999, "999 B/s"},
		{11.2 * mib, "11.1 MiB/s"}, // truncated, never rounded up
	}
	for _, tt := range tests {
		if got := formatSpeed(tt.bps); got != tt.want {
			t.Errorf("formatSpeed(%v): got %q, want %q", tt.bps, got, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-1, "--"},
		{0, "0s"},
		{59*time.Second + 900*time.Millisecond, "59s"},
		{12*time.Minute + 5*time.Second, "12m05s"},
		{3*time.Hour + 4*time.Minute + 59*time.Second, "3h04m"},
		{51 * time.Hour, "2d03h"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%s): got %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatETAFitsItsColumn(t *testing.T) {
	for _, d := range []time.Duration{-1, 0, 59 * time.Second, 99*24*time.Hour + 23*time.Hour + 59*time.Minute,
		100 * 24 * time.Hour, 800 * 24 * time.Hour, time.Duration(math.MaxInt64)} {
		if got := formatETA(d); len(got) > etaW {
			t.Errorf("formatETA(%s) = %q: wider than the ETA column (%d)", d, got, etaW)
		}
	}
	if got := formatETA(800 * 24 * time.Hour); got != "--" {
		t.Errorf("formatETA(800 days): got %q, want --", got)
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		f        float64
		finished bool
		want     string
	}{
		{-1, false, "--"},
		{0, false, "0%"},
		{0.419, false, "41%"},
		{0.999, false, "99%"},
		{1, false, "99%"}, // every byte moved, but not finished: not 100%
		{1, true, "100%"},
	}
	for _, tt := range tests {
		if got := formatPercent(tt.f, tt.finished); got != tt.want {
			t.Errorf("formatPercent(%v, %t): got %q, want %q", tt.f, tt.finished, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
		left bool
	}{
		{"hello", 10, "hello", false},
		{"hello world", 6, "hello…", false},
		{"/home/ada/share", 10, "…ada/share", true},
		{"日本語のファイル", 7, "日本語…", false},
		{"x", 0, "", false},
	}
	for _, tt := range tests {
		f := truncate
		if tt.left {
			f = truncateLeft
		}
		if got := f(tt.s, tt.w); got != tt.want {
			t.Errorf("truncate(%q, %d, left %t): got %q, want %q", tt.s, tt.w, tt.left, got, tt.want)
		}
	}
}

func TestFloorFrac(t *testing.T) {
	tests := []struct {
		f    float64
		w    int
		want float64
	}{
		{0.5, 10, 0.5},
		{0.99, 10, 0.9},
		{1, 10, 0.9}, // a bar that is not finished is never full
		{-1, 10, 0},
	}
	for _, tt := range tests {
		if got := floorFrac(tt.f, tt.w); got != tt.want {
			t.Errorf("floorFrac(%v, %d): got %v, want %v", tt.f, tt.w, got, tt.want)
		}
	}
}
