package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"shareit/transfer"
)

func rowStates(m Model) map[uint64]transfer.State {
	got := map[uint64]transfer.State{}
	for _, r := range m.transfers.rows {
		got[r.ID] = r.State
	}
	return got
}

func TestEvents(t *testing.T) {
	iso := snap(1, transfer.Download, "192.168.1.40", "/a.iso", 100*mib, 10*mib, mib)
	zip := snap(2, transfer.Archive, "192.168.1.41", "/photos/", -1, mib, mib)
	isoLater := iso
	isoLater.Bytes = 60 * mib
	isoDone := iso
	isoDone.Bytes = 100 * mib
	tests := []struct {
		name       string
		events     eventsMsg
		wantStates map[uint64]transfer.State
		wantBytes  map[uint64]int64
		wantLog    []string
	}{
		{
			name:       "started adds a row",
			events:     events(started(iso)),
			wantStates: map[uint64]transfer.State{1: transfer.Active},
			wantBytes:  map[uint64]int64{1: 10 * mib},
			wantLog:    []string{"08:35:17 192.168.1.40 began downloading /a.iso (104 MB)"},
		},
		{
			name:       "progress replaces the active rows",
			events:     events(started(iso), started(zip), frame(false, []transfer.Snapshot{isoLater}, nil)),
			wantStates: map[uint64]transfer.State{1: transfer.Active},
			wantBytes:  map[uint64]int64{1: 60 * mib},
			wantLog:    []string{"08:35:17 192.168.1.40 began downloading /a.iso (104 MB)", "08:35:17 192.168.1.41 began downloading /photos/ as an archive"},
		},
		{
			name:       "finished keeps the row, marked, with the event's bytes",
			events:     events(started(iso), frame(false, []transfer.Snapshot{isoLater}, nil), ended(isoDone, transfer.Finished)),
			wantStates: map[uint64]transfer.State{1: transfer.Finished},
			wantBytes:  map[uint64]int64{1: 100 * mib},
			wantLog:    []string{"08:35:17 192.168.1.40 began downloading /a.iso (104 MB)"},
		},
		{
			name:       "failed",
			events:     events(started(iso), ended(isoLater, transfer.Failed)),
			wantStates: map[uint64]transfer.State{1: transfer.Failed},
			wantBytes:  map[uint64]int64{1: 60 * mib},
			wantLog:    []string{"08:35:17 192.168.1.40 began downloading /a.iso (104 MB)"},
		},
		{
			name:       "cancelled",
			events:     events(started(zip), ended(zip, transfer.Cancelled)),
			wantStates: map[uint64]transfer.State{2: transfer.Cancelled},
			wantBytes:  map[uint64]int64{2: mib},
			wantLog:    []string{"08:35:17 192.168.1.41 began downloading /photos/ as an archive"},
		},
		{
			name: "a frame never revives a transfer that ended",
			events: events(started(iso), ended(isoLater, transfer.Finished),
				frame(false, []transfer.Snapshot{iso, zip}, nil)),
			wantStates: map[uint64]transfer.State{1: transfer.Finished, 2: transfer.Active},
			wantBytes:  map[uint64]int64{1: 60 * mib, 2: mib},
			wantLog:    []string{"08:35:17 192.168.1.40 began downloading /a.iso (104 MB)"},
		},
		{
			name:       "started after its end is ignored",
			events:     events(ended(iso, transfer.Cancelled), started(iso)),
			wantStates: map[uint64]transfer.State{1: transfer.Cancelled},
			wantBytes:  map[uint64]int64{1: 10 * mib},
		},
		{
			name:       "log",
			events:     events(logEvent("10.0.0.9", "GET", "/x\x1b", 200, 5)),
			wantStates: map[uint64]transfer.State{},
			wantLog:    []string{`10.0.0.9 - - [21/Nov/2026:08:36:17 +0000] "GET /x\x1b HTTP/1.1" 200 5 "-" "curl/8.5.0" 1.204s`},
		},
		{
			name:       "notice, escaped",
			events:     events(notice("listening on :8001\a")),
			wantStates: map[uint64]transfer.State{},
			wantLog:    []string{`08:36:17 listening on :8001\x07`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			m = update(t, m, tt.events)
			if got := rowStates(m); !mapsEqual(got, tt.wantStates) {
				t.Errorf("states: got %v, want %v", got, tt.wantStates)
			}
			for id, want := range tt.wantBytes {
				i := m.transfers.index(id)
				if i < 0 {
					t.Errorf("transfer %d: no row", id)
					continue
				}
				if got := m.transfers.rows[i].Bytes; got != want {
					t.Errorf("transfer %d bytes: got %d, want %d", id, got, want)
				}
			}
			var log []string
			for _, l := range m.log.lines {
				log = append(log, l.text)
			}
			if !slices.Equal(log, tt.wantLog) {
				t.Errorf("log: got %q, want %q", log, tt.wantLog)
			}
		})
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestEndedRowsLinger(t *testing.T) {
	iso := snap(1, transfer.Download, "192.168.1.40", "/a.iso", 100, 100, 0)
	m, clk := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, events(started(iso), ended(iso, transfer.Finished)))
	for _, tt := range []struct {
		after time.Duration
		want  int
	}{
		{0, 1},
		{linger - time.Second, 1},
		{linger, 0},
	} {
		clk.t = t0.Add(tt.after)
		m = update(t, m, tickMsg{})
		if got := len(m.transfers.rows); got != tt.want {
			t.Errorf("after %s: got %d rows, want %d", tt.after, got, tt.want)
		}
	}
}

func TestClientsAndTotalsFromFrame(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, busy())
	if got, want := len(m.clients.rows), 3; got != want {
		t.Fatalf("clients: got %d, want %d", got, want)
	}
	if got, want := m.header.clients, 3; got != want {
		t.Errorf("header clients: got %d, want %d", got, want)
	}
	if got, want := m.header.active, 3; got != want {
		t.Errorf("header active: got %d, want %d", got, want)
	}
	var sent int64
	for _, c := range m.clients.rows {
		sent += c.Bytes
	}
	if m.header.sent != sent {
		t.Errorf("header sent: got %d, want %d", m.header.sent, sent)
	}
}

func TestEventsReArmAndClose(t *testing.T) {
	ch := make(chan transfer.Event, 4)
	m := New(newFakeCtrl(), ch, Options{Now: func() time.Time { return t0 }})

	// An events message re-arms the wait: the command reads what comes next.
	ch <- notice("one")
	ch <- notice("two")
	m, cmd := send(t, m, events(notice("zero")))
	if cmd == nil {
		t.Fatal("after an events message: got no command, want the wait re-armed")
	}
	msg := cmd()
	batch, ok := msg.(eventsMsg)
	if !ok {
		t.Fatalf("re-armed wait: got %T, want eventsMsg", msg)
	}
	if len(batch) != 2 || batch[0].Text != "one" || batch[1].Text != "two" {
		t.Errorf("re-armed wait: got %+v, want the two queued notices in order", batch)
	}
	m = update(t, m, batch)
	if got, want := len(m.log.lines), 3; got != want {
		t.Errorf("log lines: got %d, want %d", got, want)
	}

	// Closing the channel ends the program, and nothing waits any more.
	close(ch)
	msg = waitForEvents(ch, 0)()
	if _, ok := msg.(eventsClosedMsg); !ok {
		t.Fatalf("closed channel: got %T, want eventsClosedMsg", msg)
	}
	m, cmd = send(t, m, msg)
	if !isQuit(cmd) {
		t.Errorf("after close: got a command that does not quit, want tea.Quit alone")
	}
	if got := m.Exit(); got != ExitClosed {
		t.Errorf("exit: got %v, want %v", got, ExitClosed)
	}
}

func TestWaitForEventsBatchesInOrder(t *testing.T) {
	ch := make(chan transfer.Event, maxBatch+10)
	for i := range maxBatch + 10 {
		ch <- notice(strings.Repeat("x", i%3))
	}
	close(ch)
	var total int
	for {
		msg := waitForEvents(ch, 0)()
		if _, ok := msg.(eventsClosedMsg); ok {
			break
		}
		batch := msg.(eventsMsg)
		if len(batch) > maxBatch {
			t.Fatalf("batch of %d, want at most %d", len(batch), maxBatch)
		}
		for j, ev := range batch {
			if want := strings.Repeat("x", (total+j)%3); ev.Text != want {
				t.Fatalf("event %d: got %q, want %q", total+j, ev.Text, want)
			}
		}
		total += len(batch)
	}
	if total != maxBatch+10 {
		t.Errorf("got %d events, want %d", total, maxBatch+10)
	}
	if cmd := waitForEvents(nil, 0); cmd != nil {
		t.Error("nil channel: got a command, want none")
	}
}

func TestIdleClientsShowNoSpeed(t *testing.T) {
	// After the last transfer the tracker sends one more frame, its speeds
	// still decaying, and then none: the TUI must not freeze them.
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	m = update(t, m, events(frame(false, nil, []transfer.ClientStats{
		{Addr: "10.0.0.9", Active: 0, Bytes: 5 * mib, Speed: 1.5 * mib},
	})))
	if m.header.speed != 0 {
		t.Errorf("header speed: got %v, want 0", m.header.speed)
	}
	if view, stale := m.View().Content, formatSpeed(1.5*mib); strings.Contains(view, stale) {
		t.Errorf("view shows an idle client's stale speed %s, want 0 B/s", stale)
	}
}

// While events keep coming, batches are at least eventsGap apart, so the
// screen is redrawn a few times a second however fast frames come; a full
// batch means a backlog, read at once.
func TestEventsArePaced(t *testing.T) {
	ch := make(chan transfer.Event, 4)
	m := New(newFakeCtrl(), ch, Options{Now: func() time.Time { return t0 }})
	ch <- notice("queued")
	start := time.Now()
	_, cmd := send(t, m, events(notice("first")))
	if _, ok := cmd().(eventsMsg); !ok {
		t.Fatal("re-armed wait: got no events")
	}
	if took := time.Since(start); took < eventsGap {
		t.Errorf("next batch after %v, want at least %v", took, eventsGap)
	}

	full := make(eventsMsg, maxBatch)
	for i := range full {
		full[i] = notice("n")
	}
	if got := pauseAfter(full, busyAt); got != 0 {
		t.Errorf("after a full batch: got a pause of %v, want none", got)
	}
	if got := pauseAfter(full[:1], busyAt); got != busyGap {
		t.Errorf("pauseAfter(one event, %d running) = %v, want %v", busyAt, got, busyGap)
	}
	if got := pauseAfter(full[:1], busyAt-1); got != eventsGap {
		t.Errorf("after one event: got a pause of %v, want %v", got, eventsGap)
	}
}
