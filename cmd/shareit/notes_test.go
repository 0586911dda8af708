package main

import (
	"slices"
	"testing"
	"time"
)

// TestHeaderNotes: each access-and-reach feature that is on is named in
// the TUI's header (the rate cap, TLS and mDNS show there already).
func TestHeaderNotes(t *testing.T) {
	now := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		args []string
		want []string
	}{
		{nil, nil},
		{[]string{"--auth", "ana:pw"}, []string{"password"}},
		{[]string{"--max-downloads", "5", "--timeout", "20m"}, []string{"ends after 5 downloads", "ends at 14:20:00"}},
		{[]string{"--receipt", "r.jsonl"}, []string{"receipts to r.jsonl"}},
	}
	t.Setenv(authEnv, "")
	for _, tt := range tests {
		o, err := parseArgs(tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if got := headerNotes(o, now); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
		}
	}
}
