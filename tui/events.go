package tui

import (
	"runtime"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// maxBatch bounds how many events one message carries. Under a burst of
// requests, handling events in batches means one Update and one View per
// batch instead of per event.
const maxBatch = 256

// eventsGap is the least time between two batches, unless the last one was
// full: while transfers run, the screen is redrawn about five times a
// second, not at every progress frame. Meanwhile the subscription keeps
// only the newest frame, and queues the rest. Every redraw costs the
// renderer a pass over the whole screen, and that CPU is taken from the
// transfers on a small machine: the TUI drops frames, never bytes.
const eventsGap = 200 * time.Millisecond

// While busyAt transfers or more run, the gap is busyGap: twice a second.
// Then the CPU is what the transfers are short of, and a redraw costs the
// same however many there are (the screen's rows, not the transfers', are
// drawn): the renderer's pass over the screen was most of what the live
// view took from a hundred downloads (docs/PERFORMANCE.md).
const (
	busyAt  = 20
	busyGap = 500 * time.Millisecond
)

// eventsMsg carries events read from the tracker's subscription, in order.
type eventsMsg []transfer.Event

// eventsClosedMsg says the subscription's channel closed: the server is
// gone, and nothing will arrive any more.
type eventsClosedMsg struct{}

// waitForEvents returns a command that, after a pause, blocks until at
// least one event arrives, then takes whatever else is ready without
// waiting. Update re-arms it after each eventsMsg; after eventsClosedMsg it
// is not re-armed, so its goroutine ends. A nil channel means no events: no
// command.
func waitForEvents(events <-chan transfer.Event, pause time.Duration) tea.Cmd {
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		if pause > 0 {
			time.Sleep(pause)
		}
		ev, ok := <-events
		if !ok {
			return eventsClosedMsg{}
		}
		batch := eventsMsg{ev}
		yielded := false
		for len(batch) < maxBatch {
			select {
			case ev, ok := <-events:
				if !ok {
					// Deliver what we have; the next wait sees the close.
					return batch
				}
				batch = append(batch, ev)
				yielded = false
				continue
			default:
			}
			if yielded {
				break
			}
			// The sender may be about to send: give it one chance.
			runtime.Gosched()
			yielded = true
		}
		return batch
	}
}

// pauseAfter is how long to wait before reading the events after batch,
// with active transfers running: a full batch means more are waiting, so
// at once.
func pauseAfter(batch eventsMsg, active int) time.Duration {
	switch {
	case len(batch) >= maxBatch:
		return 0
	case active >= busyAt:
		return busyGap
	}
	return eventsGap
}
