package transfer

import (
	"errors"
	"testing"
	"time"
)

func TestSummary(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 21, 8, 36, 17, 0, time.UTC)}
	tr := newTracker()
	tr.now = clk.now
	tr.tally.started = clk.t

	if got, want := tr.Summary().String(), "shareit served for 0s: nothing sent or received\n"; got != want {
		t.Errorf("empty session:\ngot  %q\nwant %q", got, want)
	}

	whole := func(client, path string, kind Kind, size, moved int64, err error) {
		p := tr.Begin(Info{Kind: kind, Client: client, Path: path, Size: size}, nil)
		p.Add(moved)
		clk.t = clk.t.Add(time.Minute)
		p.Done(err)
	}
	whole("192.168.1.40", "/isos/a.iso", Download, 2e9, 2e9, nil)
	whole("192.168.1.40", "/isos/b.iso", Download, 5e8, 5e8, nil)
	whole("10.0.0.9", "/movie.mkv", Download, 1e9, 8e7, errors.New("connection reset by peer"))
	whole("10.0.0.9", "/inbox/report.pdf", Upload, 2e6, 2e6, nil)
	// Small bodies no transfer carried: a file, a listing, a refusal.
	tr.Log(LogLine{Client: "10.0.0.9", Method: "GET", URI: "/notes.txt", Status: 200, Bytes: 4096, File: 4096})
	tr.Log(LogLine{Client: "10.0.0.9", Method: "GET", URI: "/", Status: 200, Bytes: 3000, File: -1})
	tr.Log(LogLine{Client: "172.16.0.2", Method: "GET", URI: "/.ssh/id", Status: 404, Bytes: 0, File: -1})
	// Still running when shareit exits: cut.
	running := tr.Begin(Info{Kind: Archive, Client: "192.168.1.41", Path: "/photos/", Size: -1}, nil)
	running.Add(3e8)
	clk.t = tr.tally.started.Add(time.Hour + 2*time.Minute + 3*time.Second)

	s := tr.Summary()
	if got, want := s.Sent, (Tally{Files: 5, Complete: 3, Bytes: 2e9 + 5e8 + 8e7 + 4096 + 3000 + 3e8}); got != want {
		t.Errorf("sent: got %+v, want %+v", got, want)
	}
	if got, want := s.Received, (Tally{Files: 1, Complete: 1, Bytes: 2e6}); got != want {
		t.Errorf("received: got %+v, want %+v", got, want)
	}
	want := "shareit served for 1h02m03s: sent 5 files (2.88 GB: 3 complete, 2 cut); received 1 file (2 MB, complete)\n" +
		"  10.0.0.9      sent 2 files (80.01 MB: 1 complete, 1 cut); received 1 file (2 MB, complete)\n" +
		"  192.168.1.40  sent 2 files (2.5 GB, all complete)\n" +
		"  192.168.1.41  sent 1 file (300 MB, cut)\n"
	if got := s.String(); got != want {
		t.Errorf("summary:\ngot\n%s\nwant\n%s", got, want)
	}
	running.Done(nil)
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-5, "0 B"},
		{999, "999 B"},
		{1000, "1 KB"},
		{1234567, "1.23 MB"},
		{999999, "1 MB"}, // not "1000 KB"
		{2.5e9, "2.5 GB"},
	}
	for _, tt := range tests {
		if got := FormatBytes(tt.n); got != tt.want {
			t.Errorf("FormatBytes(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestSummaryStartsWithTheTracker: the session's length counts from New.
func TestSummaryStartsWithTheTracker(t *testing.T) {
	before := time.Now()
	tr := New()
	defer tr.Close()
	s := tr.Summary()
	if s.Started.Before(before) || s.Ended.Before(s.Started) || s.Ended.Sub(s.Started) > time.Minute {
		t.Errorf("summary of a new tracker: started %v, ended %v; want from New to now", s.Started, s.Ended)
	}
}
