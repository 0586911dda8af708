package transfer_test

import (
	"testing"
	"time"

	"shareit/transfer"
)

// waitFor is how long a test waits for something that should happen at
// once; generous, because a loaded 2-core machine running -race is slow.
const waitFor = 15 * time.Second

// next returns the next event on sub for which keep is true, skipping the
// others; it fails the test if none comes in time or C closes.
func next(t testing.TB, sub *transfer.Subscription, keep func(transfer.Event) bool) transfer.Event {
	t.Helper()
	timeout := time.NewTimer(waitFor)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				t.Fatal("subscription closed while waiting for an event")
			}
			if keep(ev) {
				return ev
			}
		case <-timeout.C:
			t.Fatalf("no matching event within %v", waitFor)
		}
	}
}

func isLifecycle(ev transfer.Event) bool {
	switch ev.Kind {
	case transfer.EventStarted, transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled:
		return true
	}
	return false
}

// nextLifecycle is the next started/finished/failed/cancelled event.
func nextLifecycle(t testing.TB, sub *transfer.Subscription) transfer.Event {
	t.Helper()
	return next(t, sub, isLifecycle)
}

// nextFrame is the next progress frame for which cond holds.
func nextFrame(t testing.TB, sub *transfer.Subscription, cond func(*transfer.Progress) bool) *transfer.Progress {
	t.Helper()
	return next(t, sub, func(ev transfer.Event) bool {
		return ev.Kind == transfer.EventProgress && cond(ev.Progress)
	}).Progress
}

// drain reads sub until its channel closes (after Tracker.Close).
func drain(t testing.TB, sub *transfer.Subscription) []transfer.Event {
	t.Helper()
	var evs []transfer.Event
	timeout := time.NewTimer(waitFor)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				return evs
			}
			evs = append(evs, ev)
		case <-timeout.C:
			t.Fatalf("subscription not closed within %v (%d events read)", waitFor, len(evs))
		}
	}
}

// returned runs f in a goroutine and returns a channel that gets its result.
func returned(f func() error) <-chan error {
	c := make(chan error, 1)
	go func() { c <- f() }()
	return c
}

// stillBlocked asserts that nothing arrived on c within a short poll. It can
// only catch a wrong early return, never flake on a slow machine.
func stillBlocked(t testing.TB, c <-chan error, what string) {
	t.Helper()
	select {
	case err := <-c:
		t.Fatalf("%s returned %v while paused, want it to block", what, err)
	case <-time.After(50 * time.Millisecond):
	}
}

// result waits for the value f sent on c.
func result(t testing.TB, c <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(waitFor):
		t.Fatalf("%s did not return within %v", what, waitFor)
		return nil
	}
}

func findTransfer(p *transfer.Progress, id uint64) (transfer.Snapshot, bool) {
	for _, s := range p.Transfers {
		if s.ID == id {
			return s, true
		}
	}
	return transfer.Snapshot{}, false
}

func findClient(p *transfer.Progress, addr string) (transfer.ClientStats, bool) {
	for _, c := range p.Clients {
		if c.Addr == addr {
			return c, true
		}
	}
	return transfer.ClientStats{}, false
}
