package tui

import (
	"math"
	"strings"
	"testing"
	"time"

	"shareit/transfer"
)

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-1, "0 B"},
		{0, "0 B"},
		{999, "999 B"},
		{1000, "1.0 KB"},
		{1500, "1.5 KB"},
		{100e3, "100 KB"},
		{1e6 - 1, "999 KB"},
		{12*mib + 300<<10, "12.8 MB"},
		{6 * gib, "6.4 GB"},
		{3e12, "3.0 TB"},
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
		{512, 2000, " 0.5/2.0 KB"},
		{2.5e9, 6e9, " 2.5/6.0 GB"},
		{512e3, 2e6, " 0.5/2.0 MB"},
		{99.5e6, 100e6, "99.5/100 MB"},
		{100e6, 100e6, " 100/100 MB"},
		{300e6, -1, "300 MB"},
		{0, 0, "  0/0 B"},
		{12, 512, " 12/512 B"},
	}
	for _, tt := range tests {
		if got := formatProgress(tt.done, tt.total); got != tt.want {
			t.Errorf("formatProgress(%d, %d): got %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
}

// TestProgressKeepsItsWidth: a row's bytes never change width as they
// grow, so the columns do not jitter from frame to frame.
func TestProgressKeepsItsWidth(t *testing.T) {
	for _, total := range []int64{0, 1, 999, 1000, 20e6, 99.9e6, 100e6, 6 * gib, 1e15} {
		w := progressWidth(total)
		for _, done := range []int64{0, 1, total / 7, total / 2, total - 1, total} {
			if got := formatProgress(done, total); len(got) != w {
				t.Errorf("formatProgress(%d, %d) = %q: %d wide, want %d like the rest of its row's life", done, total, got, len(got), w)
			}
		}
	}
	for _, done := range []int64{0, 999, 1000, 99.9e6, 999e6, 5e12} {
		if got := formatProgress(done, -1); len(got) > progressWidth(-1) {
			t.Errorf("formatProgress(%d, unknown) = %q: wider than %d", done, got, progressWidth(-1))
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
		{1 << 20, "1.0 MB/s"},
		{11.2 * mib, "11.7 MB/s"}, // truncated, never rounded up
		{999.99e6, "999 MB/s"},
	}
	for _, tt := range tests {
		if got := formatSpeed(tt.bps); got != tt.want {
			t.Errorf("formatSpeed(%v): got %q, want %q", tt.bps, got, tt.want)
		}
		if got := formatSpeed(tt.bps); len(got) > speedW {
			t.Errorf("formatSpeed(%v) = %q: wider than the speed column, %d", tt.bps, got, speedW)
		}
	}
}

// TestFormatCap: the cap is shown in the speeds' units, whatever units
// --rate was given in.
func TestFormatCap(t *testing.T) {
	tests := []struct {
		bps  int64
		want string
	}{
		{0, "off"},
		{100e3, "100 KB/s"},
		{2e6, "2 MB/s"},
		{2.5e6, "2.5 MB/s"},
		{1572864, "1.57 MB/s"}, // --rate 1.5MiB/s
		{1e12, "1 TB/s"},
	}
	for _, tt := range tests {
		if got := formatCap(tt.bps); got != tt.want {
			t.Errorf("formatCap(%d): got %q, want %q", tt.bps, got, tt.want)
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

// TestStalledRow: a transfer with no byte for seconds says so, with no
// speed and no time left.
func TestStalledRow(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 100, 30)
	s := snap(1, transfer.Download, "10.0.0.9", "/big.iso", 6*gib, 1*gib, 0)
	s.Stalled = true
	m = update(t, m, events(started(s), frame(false, []transfer.Snapshot{s}, nil)))
	labels := clientLabels(m.transfers.rows)
	row := m.transfers.rowView(m.transfers.rows[0], m.transfers.cols(m.transfers.rows, labels), "10.0.0.9")
	if !strings.Contains(row, "stalled") || !strings.Contains(row, "--") || strings.Contains(row, "B/s") {
		t.Errorf("stalled row: got %q, want \"stalled\", no speed and \"--\" for the time left", row)
	}
}
