package transfer_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shareit/transfer"
)

// newTracker starts a tracker and a subscription, closed when the test ends.
func newTracker(t testing.TB) (*transfer.Tracker, *transfer.Subscription) {
	t.Helper()
	tr := transfer.New()
	sub := tr.Subscribe()
	t.Cleanup(func() {
		sub.Close()
		tr.Close()
	})
	return tr, sub
}

func info(client, path string, size int64) transfer.Info {
	return transfer.Info{Kind: transfer.Download, Client: client, Path: path, UserAgent: "test/1", Size: size}
}

// rangeInfo is a Range request's part: concurrent ones for one client and
// path join one logical transfer.
func rangeInfo(client, path string, size int64) transfer.Info {
	in := info(client, path, size)
	in.Partial = true
	return in
}

func TestLifecycle(t *testing.T) {
	errReset := errors.New("connection reset by peer")
	tests := []struct {
		name      string
		size      int64
		add       []int64
		err       error
		wantKind  transfer.EventKind
		wantState transfer.State
		wantErr   string
	}{
		{"all bytes", 1000, []int64{400, 600}, nil, transfer.EventFinished, transfer.Finished, ""},
		{"unknown size", -1, []int64{10, 20}, nil, transfer.EventFinished, transfer.Finished, ""},
		{"empty body", 0, nil, nil, transfer.EventFinished, transfer.Finished, ""},
		{"fewer bytes", 1000, []int64{999}, nil, transfer.EventFailed, transfer.Failed, transfer.ErrIncomplete.Error()},
		{"no bytes", 1000, nil, nil, transfer.EventFailed, transfer.Failed, transfer.ErrIncomplete.Error()},
		{"error", 1000, []int64{100}, errReset, transfer.EventFailed, transfer.Failed, errReset.Error()},
		{"error after all bytes", 1000, []int64{1000}, errReset, transfer.EventFailed, transfer.Failed, errReset.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, sub := newTracker(t)
			p := tr.Begin(info("10.0.0.1", "/a.iso", tt.size), nil)

			started := nextLifecycle(t, sub)
			if started.Kind != transfer.EventStarted {
				t.Fatalf("first event: got kind %d, want EventStarted", started.Kind)
			}
			s := started.Transfer
			if s.ID == 0 || s.Client != "10.0.0.1" || s.Path != "/a.iso" || s.UserAgent != "test/1" ||
				s.Size != tt.size || s.Parts != 1 || s.State != transfer.Active || s.Started.IsZero() {
				t.Errorf("started snapshot: got %+v", s)
			}

			var sum int64
			for _, n := range tt.add {
				p.Add(n)
				sum += n
			}
			if got := p.Bytes(); got != sum {
				t.Errorf("Part.Bytes: got %d, want %d", got, sum)
			}
			p.Done(tt.err)
			p.Done(errors.New("second Done")) // ignored

			ended := nextLifecycle(t, sub)
			if ended.Kind != tt.wantKind {
				t.Fatalf("end event: got kind %d, want %d", ended.Kind, tt.wantKind)
			}
			e := ended.Transfer
			if e.ID != s.ID {
				t.Errorf("end event ID: got %d, want %d", e.ID, s.ID)
			}
			if e.Bytes != sum {
				t.Errorf("end event Bytes: got %d, want %d", e.Bytes, sum)
			}
			if e.State != tt.wantState {
				t.Errorf("end event State: got %v, want %v", e.State, tt.wantState)
			}
			if e.Err != tt.wantErr {
				t.Errorf("end event Err: got %q, want %q", e.Err, tt.wantErr)
			}
			if e.Ended.IsZero() || e.Ended.Before(e.Started) {
				t.Errorf("end event Ended: got %v, started %v", e.Ended, e.Started)
			}
			if e.Parts != 0 || e.Speed != 0 {
				t.Errorf("end event Parts, Speed: got %d, %v, want 0, 0", e.Parts, e.Speed)
			}
			if n := len(tr.Snapshot().Transfers); n != 0 {
				t.Errorf("Snapshot after Done: got %d active transfers, want 0", n)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	tr, sub := newTracker(t)
	var aborts atomic.Int32
	p := tr.Begin(info("10.0.0.1", "/a.iso", 1000), func() { aborts.Add(1) })
	other := tr.Begin(info("10.0.0.1", "/b.iso", 1000), nil)
	id := nextLifecycle(t, sub).Transfer.ID
	nextLifecycle(t, sub) // other's start
	p.Add(100)

	if err := p.Wait(context.Background()); err != nil {
		t.Fatalf("Wait before Cancel: got %v, want nil", err)
	}
	if !tr.Cancel(id) {
		t.Fatal("Cancel of an active transfer: got false, want true")
	}
	if got := aborts.Load(); got != 1 {
		t.Errorf("abort callback: called %d times, want 1", got)
	}
	if !p.Cancelled() {
		t.Error("Part.Cancelled after Cancel: got false, want true")
	}
	if err := p.Wait(context.Background()); !errors.Is(err, transfer.ErrCancelled) {
		t.Errorf("Wait after Cancel: got %v, want ErrCancelled", err)
	}
	if tr.Cancel(id) {
		t.Error("second Cancel of the same transfer: got true, want false")
	}
	if other.Cancelled() || other.Wait(context.Background()) != nil {
		t.Error("Cancel reached another transfer")
	}
	p.Done(transfer.ErrCancelled)

	ev := nextLifecycle(t, sub)
	if ev.Kind != transfer.EventCancelled || ev.Transfer.State != transfer.Cancelled || ev.Transfer.ID != id {
		t.Errorf("after Done: got kind %d state %v id %d, want EventCancelled, cancelled, %d",
			ev.Kind, ev.Transfer.State, ev.Transfer.ID, id)
	}
	if ev.Transfer.Bytes != 100 {
		t.Errorf("cancelled Bytes: got %d, want 100", ev.Transfer.Bytes)
	}
	if tr.Cancel(id) {
		t.Error("Cancel of an ended transfer: got true, want false")
	}
	if aborts.Load() != 1 {
		t.Errorf("abort callback: called %d times, want 1", aborts.Load())
	}
	other.Add(1000)
	other.Done(nil)
	if ev := nextLifecycle(t, sub); ev.Kind != transfer.EventFinished {
		t.Errorf("other transfer: got kind %d, want EventFinished", ev.Kind)
	}
}

func TestCancelUnknown(t *testing.T) {
	tr, _ := newTracker(t)
	for _, id := range []uint64{0, 1, 42} {
		if tr.Cancel(id) {
			t.Errorf("Cancel(%d) with no transfers: got true, want false", id)
		}
	}
}

func TestCancelWakesPausedWait(t *testing.T) {
	tr, sub := newTracker(t)
	p := tr.Begin(info("10.0.0.1", "/a", 10), nil)
	id := nextLifecycle(t, sub).Transfer.ID
	tr.Pause()
	c := returned(func() error { return p.Wait(context.Background()) })
	stillBlocked(t, c, "Part.Wait")
	tr.Cancel(id)
	if err := result(t, c, "Part.Wait"); !errors.Is(err, transfer.ErrCancelled) {
		t.Errorf("paused Wait after Cancel: got %v, want ErrCancelled", err)
	}
	p.Done(nil)
}

func TestGrouping(t *testing.T) {
	tests := []struct {
		name      string
		a, b      transfer.Info
		wantGroup bool
	}{
		{"ranges of one client and path", rangeInfo("10.0.0.1", "/a.iso", 300), rangeInfo("10.0.0.1", "/a.iso", 700), true},
		{"ranges, other client", rangeInfo("10.0.0.1", "/a.iso", 300), rangeInfo("10.0.0.2", "/a.iso", 700), false},
		{"ranges, other path", rangeInfo("10.0.0.1", "/a.iso", 300), rangeInfo("10.0.0.1", "/b.iso", 700), false},
		{"ranges, other kind", rangeInfo("10.0.0.1", "/a", 300),
			transfer.Info{Kind: transfer.Archive, Client: "10.0.0.1", Path: "/a", Size: 700, Partial: true}, false},
		{"whole files", info("10.0.0.1", "/a.iso", 300), info("10.0.0.1", "/a.iso", 700), false},
		{"whole file, then a range", info("10.0.0.1", "/a.iso", 300), rangeInfo("10.0.0.1", "/a.iso", 700), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, sub := newTracker(t)
			// Both parts begin at once, like a download manager's connections.
			var wg sync.WaitGroup
			parts := make([]*transfer.Part, 2)
			for i, in := range []transfer.Info{tt.a, tt.b} {
				wg.Go(func() { parts[i] = tr.Begin(in, nil) })
			}
			wg.Wait()
			parts[0].Add(tt.a.Size)
			parts[1].Add(tt.b.Size)

			snap := tr.Snapshot()
			if tt.wantGroup {
				if len(snap.Transfers) != 1 {
					t.Fatalf("Snapshot: got %d transfers, want 1", len(snap.Transfers))
				}
				s := snap.Transfers[0]
				if s.Parts != 2 || s.Size != tt.a.Size+tt.b.Size || s.Bytes != tt.a.Size+tt.b.Size {
					t.Errorf("grouped snapshot: got Parts %d Size %d Bytes %d, want 2, %d, %d",
						s.Parts, s.Size, s.Bytes, tt.a.Size+tt.b.Size, tt.a.Size+tt.b.Size)
				}
			} else if len(snap.Transfers) != 2 {
				t.Fatalf("Snapshot: got %d transfers, want 2", len(snap.Transfers))
			}

			parts[0].Done(nil)
			if tt.wantGroup {
				snap = tr.Snapshot()
				if len(snap.Transfers) != 1 || snap.Transfers[0].Parts != 1 {
					t.Fatalf("after the first part: got %+v, want one transfer with one part", snap.Transfers)
				}
			}
			parts[1].Done(nil)

			var started, finished int
			var total int64
			for range map[bool]int{true: 2, false: 4}[tt.wantGroup] {
				ev := nextLifecycle(t, sub)
				switch ev.Kind {
				case transfer.EventStarted:
					started++
				case transfer.EventFinished:
					finished++
					total += ev.Transfer.Bytes
				default:
					t.Errorf("unexpected event kind %d", ev.Kind)
				}
			}
			want := map[bool]int{true: 1, false: 2}[tt.wantGroup]
			if started != want || finished != want {
				t.Errorf("events: got %d started, %d finished, want %d of each", started, finished, want)
			}
			if total != tt.a.Size+tt.b.Size {
				t.Errorf("finished bytes: got %d, want %d", total, tt.a.Size+tt.b.Size)
			}
		})
	}
}

func TestGroupingUnknownSize(t *testing.T) {
	tr, _ := newTracker(t)
	a := tr.Begin(rangeInfo("10.0.0.1", "/a", 100), nil)
	b := tr.Begin(rangeInfo("10.0.0.1", "/a", -1), nil)
	c := tr.Begin(rangeInfo("10.0.0.1", "/a", 100), nil)
	snap := tr.Snapshot()
	if len(snap.Transfers) != 1 {
		t.Fatalf("Snapshot: got %d transfers, want 1", len(snap.Transfers))
	}
	if got := snap.Transfers[0].Size; got != -1 {
		t.Errorf("Size with a part of unknown size: got %d, want -1", got)
	}
	for _, p := range []*transfer.Part{a, b, c} {
		p.Done(nil)
	}
}

func TestBeginAfterCancelIsNewTransfer(t *testing.T) {
	tr, sub := newTracker(t)
	old := tr.Begin(rangeInfo("10.0.0.1", "/a.iso", 100), nil)
	oldID := nextLifecycle(t, sub).Transfer.ID
	tr.Cancel(oldID)

	// The client retries while the cancelled part has not ended yet.
	retry := tr.Begin(rangeInfo("10.0.0.1", "/a.iso", 100), nil)
	ev := nextLifecycle(t, sub)
	if ev.Kind != transfer.EventStarted || ev.Transfer.ID == oldID {
		t.Fatalf("Begin after Cancel: got kind %d id %d, want a new EventStarted (old id %d)", ev.Kind, ev.Transfer.ID, oldID)
	}
	newID := ev.Transfer.ID
	if retry.Cancelled() {
		t.Error("the retry is cancelled, want it running")
	}
	if n := len(tr.Snapshot().Transfers); n != 2 {
		t.Errorf("Snapshot: got %d transfers, want 2 (the cancelled one until its part ends)", n)
	}

	old.Done(transfer.ErrCancelled)
	if ev := nextLifecycle(t, sub); ev.Kind != transfer.EventCancelled || ev.Transfer.ID != oldID {
		t.Errorf("old part Done: got kind %d id %d, want EventCancelled id %d", ev.Kind, ev.Transfer.ID, oldID)
	}
	// A further part of the retry joins the retry, not the cancelled one.
	more := tr.Begin(rangeInfo("10.0.0.1", "/a.iso", 50), nil)
	if s, _ := findTransfer(tr.Snapshot(), newID); s.Parts != 2 || s.Size != 150 {
		t.Errorf("retry after a second part: got Parts %d Size %d, want 2, 150", s.Parts, s.Size)
	}
	retry.Add(100)
	more.Add(50)
	retry.Done(nil)
	more.Done(nil)
	if ev := nextLifecycle(t, sub); ev.Kind != transfer.EventFinished || ev.Transfer.ID != newID || ev.Transfer.Bytes != 150 {
		t.Errorf("retry Done: got kind %d id %d bytes %d, want EventFinished id %d bytes 150",
			ev.Kind, ev.Transfer.ID, ev.Transfer.Bytes, newID)
	}
}

func TestPauseResume(t *testing.T) {
	waits := []struct {
		name string
		wait func(tr *transfer.Tracker, p *transfer.Part, ctx context.Context) error
	}{
		{"Part.Wait", func(_ *transfer.Tracker, p *transfer.Part, ctx context.Context) error { return p.Wait(ctx) }},
		{"Tracker.WaitResumed", func(tr *transfer.Tracker, _ *transfer.Part, ctx context.Context) error {
			return tr.WaitResumed(ctx)
		}},
	}
	for _, w := range waits {
		t.Run(w.name+"/resume", func(t *testing.T) {
			tr, _ := newTracker(t)
			p := tr.Begin(info("10.0.0.1", "/a", 10), nil)
			defer p.Done(nil)
			if err := w.wait(tr, p, context.Background()); err != nil {
				t.Fatalf("%s while running: got %v, want nil", w.name, err)
			}
			tr.Pause()
			tr.Pause() // twice is once
			if !tr.Paused() {
				t.Error("Paused after Pause: got false, want true")
			}
			if snap := tr.Snapshot(); !snap.Paused || !snap.Transfers[0].Paused {
				t.Errorf("Snapshot after Pause: got Paused %v, transfer Paused %v, want true, true",
					snap.Paused, snap.Transfers[0].Paused)
			}
			c := returned(func() error { return w.wait(tr, p, context.Background()) })
			stillBlocked(t, c, w.name)
			tr.Resume()
			if err := result(t, c, w.name); err != nil {
				t.Errorf("%s after Resume: got %v, want nil", w.name, err)
			}
			if tr.Paused() || tr.Snapshot().Paused {
				t.Error("Paused after Resume: got true, want false")
			}
			tr.Resume() // resuming a running tracker does nothing
			if err := w.wait(tr, p, context.Background()); err != nil {
				t.Errorf("%s after a second Resume: got %v, want nil", w.name, err)
			}
		})
		t.Run(w.name+"/context", func(t *testing.T) {
			tr, _ := newTracker(t)
			p := tr.Begin(info("10.0.0.1", "/a", 10), nil)
			defer p.Done(nil)
			tr.Pause()
			defer tr.Resume()
			ctx, cancel := context.WithCancel(context.Background())
			c := returned(func() error { return w.wait(tr, p, ctx) })
			stillBlocked(t, c, w.name)
			cancel()
			if err := result(t, c, w.name); !errors.Is(err, context.Canceled) {
				t.Errorf("%s after the context ended: got %v, want context.Canceled", w.name, err)
			}
		})
	}
}

// TestPausedSpeedIsZero drives bytes until a frame shows speed, pauses, and
// waits for a frame in which every speed is 0.
func TestPausedSpeedIsZero(t *testing.T) {
	tr, sub := newTracker(t)
	p := tr.Begin(info("10.0.0.1", "/a", -1), nil)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// Like the writer: wait between chunks, then send one.
			if p.Wait(ctx) != nil {
				return
			}
			p.Add(64 << 10)
		}
	})
	defer func() {
		stop()
		wg.Wait()
		p.Done(nil)
	}()

	moving := func(pr *transfer.Progress) bool {
		return len(pr.Transfers) == 1 && pr.Transfers[0].Speed > 0 && len(pr.Clients) == 1 && pr.Clients[0].Speed > 0
	}
	nextFrame(t, sub, moving)
	tr.Pause()
	frame := nextFrame(t, sub, func(pr *transfer.Progress) bool { return pr.Paused })
	for _, s := range frame.Transfers {
		if s.Speed != 0 || !s.Paused {
			t.Errorf("paused frame, transfer %d: got Speed %v Paused %v, want 0, true", s.ID, s.Speed, s.Paused)
		}
	}
	for _, c := range frame.Clients {
		if c.Speed != 0 {
			t.Errorf("paused frame, client %s: got Speed %v, want 0", c.Addr, c.Speed)
		}
	}
	tr.Resume()
	nextFrame(t, sub, func(pr *transfer.Progress) bool { return !pr.Paused && moving(pr) })
}

// clientWant is what one client's aggregate should be.
type clientWant struct {
	addr         string
	active       int
	bytes        int64
	done, total  int64
	wantFraction float64
}

func checkClients(t *testing.T, step string, snap *transfer.Progress, wants []clientWant) {
	t.Helper()
	if len(snap.Clients) != len(wants) {
		t.Errorf("%s: got %d clients, want %d", step, len(snap.Clients), len(wants))
	}
	for i := 1; i < len(snap.Clients); i++ {
		if snap.Clients[i-1].Addr >= snap.Clients[i].Addr {
			t.Errorf("%s: clients not sorted by address: %q before %q", step, snap.Clients[i-1].Addr, snap.Clients[i].Addr)
		}
	}
	for _, w := range wants {
		t.Run(step+"/"+w.addr, func(t *testing.T) {
			c, ok := findClient(snap, w.addr)
			if !ok {
				t.Fatalf("client %s missing from %+v", w.addr, snap.Clients)
			}
			if c.Active != w.active || c.Bytes != w.bytes || c.Done != w.done || c.Total != w.total {
				t.Errorf("got Active %d Bytes %d Done %d Total %d, want %d %d %d %d",
					c.Active, c.Bytes, c.Done, c.Total, w.active, w.bytes, w.done, w.total)
			}
			if got := c.Fraction(); got != w.wantFraction {
				t.Errorf("Fraction: got %v, want %v", got, w.wantFraction)
			}
		})
	}
}

func TestClientStats(t *testing.T) {
	tr, _ := newTracker(t)
	a1 := tr.Begin(info("10.0.0.1", "/a", 100), nil)
	a2 := tr.Begin(info("10.0.0.1", "/b", 300), nil)
	a3 := tr.Begin(info("10.0.0.1", "/c", -1), nil) // unknown size: not in Done/Total
	b1 := tr.Begin(info("10.0.0.2", "/a", 1000), nil)
	a1.Add(100)
	a2.Add(50)
	a3.Add(7)
	b1.Add(1500) // more than announced: Done is capped at the size
	untracked := func(client string, n int64) { tr.Log(transfer.LogLine{Client: client, Bytes: n}) }
	untracked("10.0.0.1", 1000) // untracked bodies add to Bytes only
	untracked("10.0.0.3", 42)   // a client with only small bodies so far
	untracked("10.0.0.3", 0)
	untracked("10.0.0.4", -5)                                            // ignored: no client appears
	tr.Log(transfer.LogLine{Client: "10.0.0.2", Bytes: 99, Transfer: 1}) // carried by a transfer: counted there

	checkClients(t, "running", tr.Snapshot(), []clientWant{
		{"10.0.0.1", 3, 100 + 50 + 7 + 1000, 150, 400, 150.0 / 400},
		{"10.0.0.2", 1, 1500, 1000, 1000, 1},
		{"10.0.0.3", 0, 42, 0, 0, -1},
	})

	// Ended transfers leave the client's Active and Done/Total, not its Bytes.
	a1.Done(nil)
	a2.Done(nil)
	b1.Done(nil)
	checkClients(t, "ended", tr.Snapshot(), []clientWant{
		{"10.0.0.1", 1, 1157, 0, 0, -1},
		{"10.0.0.2", 0, 1500, 0, 0, -1},
		{"10.0.0.3", 0, 42, 0, 0, -1},
	})
	a3.Done(nil)
}
