package transfer_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shareit/transfer"
	"shareit/transfer/testkit"
)

// addLoop adds bytes to p every millisecond until the test ends.
func addLoop(t *testing.T, p *transfer.Part) {
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
				p.Add(1 << 10)
			}
		}
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
	})
}

// TestProgressFrames reads progress for a second: frames carry growing byte
// counts and come at a bounded rate (about ten a second; the bound is loose
// so that a slow machine cannot fail it).
func TestProgressFrames(t *testing.T) {
	tr, sub := newTracker(t)
	p := tr.Begin(info("10.0.0.1", "/a", -1), nil)
	defer p.Done(nil)
	addLoop(t, p)

	first := nextFrame(t, sub, func(pr *transfer.Progress) bool { return len(pr.Transfers) == 1 })
	frames, last := 1, first.Transfers[0].Bytes
	window := time.NewTimer(time.Second)
	defer window.Stop()
	for done := false; !done; {
		select {
		case <-window.C:
			done = true
		case ev := <-sub.C:
			if ev.Kind != transfer.EventProgress {
				continue
			}
			frames++
			if len(ev.Progress.Transfers) != 1 {
				t.Fatalf("frame %d: got %d transfers, want 1", frames, len(ev.Progress.Transfers))
			}
			b := ev.Progress.Transfers[0].Bytes
			if b < last {
				t.Errorf("frame %d: Bytes went back from %d to %d", frames, last, b)
			}
			last = b
		}
	}
	if frames > 30 {
		t.Errorf("got %d progress frames in one second, want at most 30 (about 1/%v)", frames, transfer.Interval)
	}
	if frames < 2 {
		t.Errorf("got %d progress frames in one second, want several", frames)
	}
	if last <= first.Transfers[0].Bytes {
		t.Errorf("Bytes did not grow over a second: first frame %d, last %d", first.Transfers[0].Bytes, last)
	}
}

// TestNoFramesWhenIdle: a tracker with nothing to show publishes nothing,
// so an idle TUI is not woken ten times a second.
func TestNoFramesWhenIdle(t *testing.T) {
	tr := transfer.New()
	sub := tr.Subscribe()
	defer sub.Close()
	// Nothing to wait for: give the ticker a few intervals in which it must
	// stay quiet (on a slow machine, fewer ticks; never a false failure).
	<-time.After(3 * transfer.Interval)
	tr.Notice("marker")
	tr.Close()
	evs := drain(t, sub)
	if len(evs) != 1 || evs[0].Kind != transfer.EventNotice || evs[0].Text != "marker" {
		t.Errorf("idle tracker: got %d events %+v, want only the notice", len(evs), evs)
	}
}

// frameCounter reads a subscription in the background and counts progress
// frames, so a test can wait for the tracker to tick without reading the
// subscription under test.
type frameCounter struct {
	frames atomic.Int64
	idle   atomic.Int64 // frames with no active transfer
}

func countFrames(t *testing.T, tr *transfer.Tracker) *frameCounter {
	fc := &frameCounter{}
	sub := tr.Subscribe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range sub.C {
			if ev.Kind == transfer.EventProgress {
				fc.frames.Add(1)
				if len(ev.Progress.Transfers) == 0 {
					fc.idle.Add(1)
				}
			}
		}
	}()
	t.Cleanup(func() {
		sub.Close()
		<-done
	})
	return fc
}

// waitTicks waits until the counter has seen n more frames.
func (fc *frameCounter) waitTicks(t *testing.T, n int64) {
	t.Helper()
	want := fc.frames.Load() + n
	testkit.Eventually(t, waitFor, fmt.Sprintf("%d progress frames", n), func() bool { return fc.frames.Load() >= want })
}

// TestCoalescedProgress: a subscriber that does not read while many frames
// are published then finds only the newest one queued, after the lifecycle
// events that happened before it.
func TestCoalescedProgress(t *testing.T) {
	tr := transfer.New()
	defer tr.Close()
	slow := tr.Subscribe() // reads nothing until the end
	defer slow.Close()
	fc := countFrames(t, tr)

	p1 := tr.Begin(info("10.0.0.1", "/one", 100), nil)
	p1.Add(50)
	fc.waitTicks(t, 3)
	p2 := tr.Begin(info("10.0.0.1", "/two", 100), nil)
	p1.Add(50)
	p1.Done(nil)
	fc.waitTicks(t, 3)
	p2.Add(100)
	if n := fc.idle.Load(); n != 0 {
		t.Fatalf("got %d frames without transfers while one was active, want 0", n)
	}
	p2.Done(nil)
	// After the last transfer ends one more, empty, frame goes out; then
	// the tracker is quiet, so it is the newest frame.
	testkit.Eventually(t, waitFor, "the idle frame", func() bool { return fc.idle.Load() >= 1 })
	tr.Close()

	evs := drain(t, slow)
	var got []string
	for _, ev := range evs {
		switch ev.Kind {
		case transfer.EventStarted:
			got = append(got, "started "+ev.Transfer.Path)
		case transfer.EventFinished:
			got = append(got, "finished "+ev.Transfer.Path)
		case transfer.EventProgress:
			got = append(got, fmt.Sprintf("progress(%d transfers)", len(ev.Progress.Transfers)))
		default:
			got = append(got, fmt.Sprintf("kind %d", ev.Kind))
		}
	}
	wantEvs := []string{"started /one", "started /two", "finished /one", "finished /two", "progress(0 transfers)"}
	if fmt.Sprint(got) != fmt.Sprint(wantEvs) {
		t.Errorf("queued events:\ngot  %q\nwant %q", got, wantEvs)
	}
	if n := fc.frames.Load(); n < 7 {
		t.Errorf("the reading subscriber saw %d frames, want at least 7 (the test relies on many)", n)
	}
}

// TestCoalescedWhileActive: a subscriber that arrives while transfers run
// and then stops reading must also find only the newest frame, even though
// the first thing published to it was a frame.
func TestCoalescedWhileActive(t *testing.T) {
	tr := transfer.New()
	defer tr.Close()
	fc := countFrames(t, tr)
	p := tr.Begin(info("10.0.0.1", "/one", -1), nil)
	addLoop(t, p)
	fc.waitTicks(t, 1)

	slow := tr.Subscribe() // its first event is a progress frame
	defer slow.Close()
	fc.waitTicks(t, 5)
	p.Done(nil)
	testkit.Eventually(t, waitFor, "the idle frame", func() bool { return fc.idle.Load() >= 1 })
	tr.Close()

	var got []string
	for _, ev := range drain(t, slow) {
		switch ev.Kind {
		case transfer.EventFinished:
			got = append(got, "finished")
		case transfer.EventProgress:
			got = append(got, fmt.Sprintf("progress(%d transfers)", len(ev.Progress.Transfers)))
		default:
			got = append(got, fmt.Sprintf("kind %d", ev.Kind))
		}
	}
	want := []string{"finished", "progress(0 transfers)"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("queued events:\ngot  %q\nwant %q", got, want)
	}
}

// TestLifecycleNeverDropped: 1000 transfers start and end while the
// subscriber does not read; it then gets every one of their events.
func TestLifecycleNeverDropped(t *testing.T) {
	const n = 1000
	tr := transfer.New()
	sub := tr.Subscribe()
	defer sub.Close()

	parts := make([]*transfer.Part, n)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			parts[i] = tr.Begin(info(fmt.Sprintf("10.0.%d.%d", i/250, i%250), fmt.Sprintf("/f%d", i), 10), nil)
			parts[i].Add(10)
		})
	}
	wg.Wait()
	for _, p := range parts {
		wg.Go(func() { p.Done(nil) })
	}
	wg.Wait()
	if got := len(tr.Snapshot().Transfers); got != 0 {
		t.Fatalf("Snapshot after every Done: got %d transfers, want 0", got)
	}
	tr.Close()

	started, finished, frames := map[uint64]bool{}, map[uint64]bool{}, 0
	for _, ev := range drain(t, sub) {
		switch ev.Kind {
		case transfer.EventStarted:
			if finished[ev.Transfer.ID] {
				t.Errorf("transfer %d: started after finished", ev.Transfer.ID)
			}
			started[ev.Transfer.ID] = true
		case transfer.EventFinished:
			if !started[ev.Transfer.ID] {
				t.Errorf("transfer %d: finished before started", ev.Transfer.ID)
			}
			finished[ev.Transfer.ID] = true
		case transfer.EventProgress:
			frames++
		default:
			t.Errorf("unexpected event kind %d", ev.Kind)
		}
	}
	if len(started) != n || len(finished) != n {
		t.Errorf("got %d started and %d finished transfers, want %d of each", len(started), len(finished), n)
	}
	if frames > 1 {
		t.Errorf("got %d progress frames from a subscriber that did not read, want at most 1", frames)
	}
}

// TestLogQueueBounded: log lines for a subscriber that never reads are
// capped (and counted); notices after the cap still arrive.
func TestLogQueueBounded(t *testing.T) {
	const maxQueuedLogs = 1 << 16 // transfer.maxQueuedLogs
	const extra = 10
	tr := transfer.New()
	sub := tr.Subscribe()
	defer sub.Close()
	line := transfer.LogLine{Client: "10.0.0.1", Method: "GET", URI: "/", Proto: "HTTP/1.1", Status: 200}
	for range maxQueuedLogs + extra {
		tr.Log(line)
	}
	tr.Notice("after the flood")
	tr.Close()

	logs, notices := 0, 0
	for _, ev := range drain(t, sub) {
		switch ev.Kind {
		case transfer.EventLog:
			logs++
		case transfer.EventNotice:
			notices++
		}
	}
	// The delivering goroutine may hold one line outside the queue.
	if logs < maxQueuedLogs || logs > maxQueuedLogs+1 {
		t.Errorf("got %d log lines, want %d or %d", logs, maxQueuedLogs, maxQueuedLogs+1)
	}
	if got := sub.Dropped(); got+logs != maxQueuedLogs+extra {
		t.Errorf("Dropped: got %d, want %d (sent) - %d (delivered)", got, maxQueuedLogs+extra, logs)
	}
	if notices != 1 {
		t.Errorf("got %d notices, want 1", notices)
	}
}

// TestSubscriptionClose: Close ends C even with events queued, and a
// subscription to a closed tracker is closed at once.
func TestSubscriptionClose(t *testing.T) {
	tr := transfer.New()
	sub := tr.Subscribe()
	tr.Notice("one")
	tr.Notice("two")
	sub.Close()
	sub.Close() // twice is fine
	evs := drain(t, sub)
	if len(evs) > 1 {
		t.Errorf("after Close: got %d events, want at most the one in flight", len(evs))
	}
	tr.Close()
	tr.Close() // twice is fine
	if evs := drain(t, tr.Subscribe()); len(evs) != 0 {
		t.Errorf("subscription to a closed tracker: got %d events, want 0", len(evs))
	}
}
