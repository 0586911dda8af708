package tui

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"shareit/transfer"
)

// watched wraps the model so a test can wait for a state the program's
// own goroutine reached, instead of sleeping.
type watched struct {
	Model
	w *watcher
}

func (m watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.Model.Update(msg)
	m.Model = next.(Model)
	m.w.set(factsOf(m.Model))
	return m, cmd
}

// facts are what the flows wait for, copied on the program's goroutine:
// the model itself shares slices with the running program.
type facts struct {
	active   int
	paused   bool
	mode     mode
	logLines int
}

func factsOf(m Model) facts {
	return facts{active: m.transfers.active(), paused: m.paused, mode: m.mode, logLines: len(m.log.lines)}
}

type watcher struct {
	mu      sync.Mutex
	last    facts
	changed chan struct{}
}

func newWatcher() *watcher { return &watcher{changed: make(chan struct{}, 1)} }

func (w *watcher) set(m facts) {
	w.mu.Lock()
	w.last = m
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// waitFor blocks until cond holds for the newest model, or fails the test
// after a deadline.
func (w *watcher) waitFor(t *testing.T, what string, cond func(facts) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		w.mu.Lock()
		ok := cond(w.last)
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func startFlow(t *testing.T, ctrl *fakeCtrl, events chan transfer.Event) (*teatest.TestModel, *watcher) {
	t.Helper()
	w := newWatcher()
	m := watched{Model: New(ctrl, events, Options{Version: "test"}), w: w}
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
	return tm, w
}

func finalModel(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	w, ok := fm.(watched)
	if !ok {
		t.Fatalf("final model: got %T, want watched", fm)
	}
	return w.Model
}

// A transfer starts, the user pauses, then quits and confirms.
func TestFlowPauseThenQuit(t *testing.T) {
	ctrl := newFakeCtrl()
	events := make(chan transfer.Event, 8)
	tm, w := startFlow(t, ctrl, events)

	iso := snap(1, transfer.Download, "192.168.1.40", "/a.iso", 100*mib, 10*mib, mib)
	events <- started(iso)
	events <- frame(false, []transfer.Snapshot{iso}, nil)
	w.waitFor(t, "the transfer to show", func(f facts) bool { return f.active == 1 })

	tm.Send(press("p"))
	w.waitFor(t, "pause", func(f facts) bool { return f.paused })
	if !ctrl.Paused() {
		t.Error("controller: got not paused, want paused")
	}

	tm.Send(press("q"))
	w.waitFor(t, "the question", func(f facts) bool { return f.mode == modeConfirmQuit })
	tm.Send(press("y"))

	m := finalModel(t, tm)
	if got := m.Exit(); got != ExitQuit {
		t.Errorf("exit: got %v, want %v", got, ExitQuit)
	}
	if got := ExitOf(m); got != ExitQuit {
		t.Errorf("ExitOf: got %v, want %v", got, ExitQuit)
	}
}

// Two ctrl+c while a transfer runs force the quit.
func TestFlowForceQuit(t *testing.T) {
	events := make(chan transfer.Event, 8)
	tm, w := startFlow(t, newFakeCtrl(), events)
	events <- started(snap(1, transfer.Download, "10.0.0.2", "/b", 10, 1, 1))
	w.waitFor(t, "the transfer to show", func(f facts) bool { return f.active == 1 })
	tm.Send(press("ctrl+c"))
	tm.Send(press("ctrl+c"))
	if got := finalModel(t, tm).Exit(); got != ExitForced {
		t.Errorf("exit: got %v, want %v", got, ExitForced)
	}
}

// Closing the event channel (the tracker closed) ends the program.
func TestFlowEventsClosed(t *testing.T) {
	events := make(chan transfer.Event, 8)
	tm, w := startFlow(t, newFakeCtrl(), events)
	events <- logEvent("10.0.0.2", "GET", "/", 200, 10)
	w.waitFor(t, "the log line", func(f facts) bool { return f.logLines == 1 })
	close(events)
	if got := finalModel(t, tm).Exit(); got != ExitClosed {
		t.Errorf("exit: got %v, want %v", got, ExitClosed)
	}
}
