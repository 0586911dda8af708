package transfer_test

import (
	"errors"
	"testing"

	"shareit/transfer"
)

// part is one body of a completeness case: where it sits in the whole,
// how many bytes it moved and how it ended.
type part struct {
	partial       bool
	offset, whole int64
	size, sent    int64
	err           error
}

func TestComplete(t *testing.T) {
	errReset := errors.New("connection reset by peer")
	const file = 1000
	whole := func(sent int64, err error) part { return part{size: file, sent: sent, err: err} }
	rng := func(from, to, sent int64) part {
		return part{partial: true, offset: from, whole: file, size: to - from, sent: sent}
	}
	tests := []struct {
		name      string
		kind      transfer.Kind
		parts     []part // all begun together, then ended in order
		cancel    bool
		want      bool
		wantWhole int64
	}{
		{"whole body sent", transfer.Download, []part{whole(file, nil)}, false, true, file},
		{"whole body cut", transfer.Download, []part{whole(400, errReset)}, false, false, file},
		{"whole body short", transfer.Download, []part{whole(999, nil)}, false, false, file},
		{"one range part", transfer.Download, []part{rng(0, 500, 500)}, false, false, file},
		{"range from 0 to the end", transfer.Download, []part{rng(0, file, file)}, false, true, file},
		{"parallel parts cover the file", transfer.Download,
			[]part{rng(500, 1000, 500), rng(0, 500, 500)}, false, true, file},
		{"parallel parts overlap", transfer.Download,
			[]part{rng(0, 600, 600), rng(400, 1000, 600)}, false, true, file},
		{"parallel parts leave a gap", transfer.Download,
			[]part{rng(0, 400, 400), rng(500, 1000, 500)}, false, false, file},
		{"a failed part fetched again", transfer.Download,
			[]part{{partial: true, whole: file, size: 500, sent: 200, err: errReset}, rng(200, 500, 300), rng(500, 1000, 500)},
			false, true, file},
		{"multipart ranges cannot be placed", transfer.Download,
			[]part{{partial: true, offset: -1, whole: file, size: 1200, sent: 1200}}, false, false, file},
		{"the file changed between parts", transfer.Download,
			[]part{rng(0, 500, 500), {partial: true, offset: 500, whole: 2000, size: 1500, sent: 1500}}, false, false, file},
		{"not a file (a big listing)", transfer.Download,
			[]part{{offset: -1, whole: -1, size: 100_000, sent: 100_000}}, false, false, -1},
		{"streamed archive", transfer.Archive, []part{{size: -1, sent: 5000}}, false, true, -1},
		{"streamed archive cut", transfer.Archive, []part{{size: -1, sent: 5000, err: errReset}}, false, false, -1},
		{"cancelled after every byte", transfer.Download, []part{whole(file, nil)}, true, false, file},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, sub := newTracker(t)
			var ps []*transfer.Part
			for _, p := range tt.parts {
				ps = append(ps, tr.Begin(transfer.Info{
					Kind: tt.kind, Client: "10.0.0.1", Path: "/f", Size: p.size,
					Partial: p.partial, Offset: p.offset, Whole: p.whole,
				}, nil))
			}
			if tt.cancel {
				tr.Cancel(ps[0].ID())
			}
			for i, p := range tt.parts {
				ps[i].Add(p.sent)
				ps[i].Done(p.err)
			}
			ev := next(t, sub, func(ev transfer.Event) bool { return isLifecycle(ev) && ev.Kind != transfer.EventStarted })
			if ev.Transfer.Complete != tt.want {
				t.Errorf("Complete: got %v, want %v (%s, %d bytes)", ev.Transfer.Complete, tt.want, ev.Transfer.State, ev.Transfer.Bytes)
			}
			if ev.Transfer.Whole != tt.wantWhole {
				t.Errorf("Whole: got %d, want %d", ev.Transfer.Whole, tt.wantWhole)
			}
			if ev.Transfer.ID != ps[0].ID() {
				t.Errorf("ID: got %d, want the parts' %d", ev.Transfer.ID, ps[0].ID())
			}
		})
	}
}

func TestLogLineComplete(t *testing.T) {
	get := transfer.LogLine{Method: "GET", Status: 200, File: 100, Bytes: 100}
	with := func(f func(*transfer.LogLine)) transfer.LogLine {
		l := get
		f(&l)
		return l
	}
	tests := []struct {
		name string
		line transfer.LogLine
		want bool
	}{
		{"small file sent whole", get, true},
		{"empty file", with(func(l *transfer.LogLine) { l.File, l.Bytes = 0, 0 }), true},
		{"HEAD", with(func(l *transfer.LogLine) { l.Method, l.Bytes = "HEAD", 0 }), false},
		{"Range", with(func(l *transfer.LogLine) { l.Status, l.Bytes = 206, 10 }), false},
		{"not modified", with(func(l *transfer.LogLine) { l.Status, l.Bytes = 304, 0 }), false},
		{"cut short", with(func(l *transfer.LogLine) { l.Bytes = 60 }), false},
		{"a listing", with(func(l *transfer.LogLine) { l.File = -1 }), false},
		{"tracked: judged by its transfer", with(func(l *transfer.LogLine) { l.Transfer = 7 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.line.Complete(); got != tt.want {
				t.Errorf("Complete() of %+v: got %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}
