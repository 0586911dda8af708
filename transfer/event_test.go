package transfer_test

import (
	"testing"
	"time"

	"shareit/transfer"
)

func TestSnapshotFraction(t *testing.T) {
	tests := []struct {
		name        string
		size, bytes int64
		want        float64
	}{
		{"unknown size", -1, 500, -1},
		{"unknown size, nothing yet", -1, 0, -1},
		{"zero size", 0, 0, 1},
		{"nothing yet", 1000, 0, 0},
		{"a quarter", 1000, 250, 0.25},
		{"all", 1000, 1000, 1},
		{"more than the size", 1000, 1500, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := transfer.Snapshot{Size: tt.size, Bytes: tt.bytes}
			if got := s.Fraction(); got != tt.want {
				t.Errorf("Fraction of %d/%d: got %v, want %v", tt.bytes, tt.size, got, tt.want)
			}
		})
	}
}

func TestSnapshotETA(t *testing.T) {
	tests := []struct {
		name        string
		size, bytes int64
		speed       float64
		state       transfer.State
		want        time.Duration
	}{
		{"unknown size", -1, 100, 1000, transfer.Active, -1},
		{"zero speed", 1000, 100, 0, transfer.Active, -1},
		{"below a byte a second", 1000, 100, 0.5, transfer.Active, -1},
		{"zero size, zero speed", 0, 0, 0, transfer.Active, -1},
		{"zero size, moving", 0, 0, 100, transfer.Active, 0},
		{"ten seconds left", 1000, 250, 75, transfer.Active, 10 * time.Second},
		{"half a second left", 1000, 500, 1000, transfer.Active, 500 * time.Millisecond},
		{"more than the size", 1000, 1500, 100, transfer.Active, 0},
		{"finished", 1000, 1000, 100, transfer.Finished, -1},
		{"failed", 1000, 500, 100, transfer.Failed, -1},
		{"cancelled", 1000, 500, 100, transfer.Cancelled, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := transfer.Snapshot{Size: tt.size, Bytes: tt.bytes, Speed: tt.speed, State: tt.state}
			if got := s.ETA(); got != tt.want {
				t.Errorf("ETA of %d/%d at %v B/s (%v): got %v, want %v", tt.bytes, tt.size, tt.speed, tt.state, got, tt.want)
			}
		})
	}
}

func TestClientStatsFraction(t *testing.T) {
	tests := []struct {
		name        string
		done, total int64
		want        float64
	}{
		{"nothing of known size", 0, 0, -1},
		{"nothing yet", 0, 400, 0},
		{"some", 100, 400, 0.25},
		{"all", 400, 400, 1},
		{"more than the total", 500, 400, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := transfer.ClientStats{Done: tt.done, Total: tt.total}
			if got := c.Fraction(); got != tt.want {
				t.Errorf("Fraction of %d/%d: got %v, want %v", tt.done, tt.total, got, tt.want)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{transfer.Download.String(), "download"},
		{transfer.Archive.String(), "archive"},
		{transfer.Upload.String(), "upload"},
		{transfer.Active.String(), "active"},
		{transfer.Finished.String(), "finished"},
		{transfer.Failed.String(), "failed"},
		{transfer.Cancelled.String(), "cancelled"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
