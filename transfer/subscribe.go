package transfer

import (
	"slices"
	"strconv"
	"sync"
)

// maxQueuedLogs bounds the log lines waiting for a subscriber that does not
// read; past it new log lines are dropped (and counted). Lifecycle events
// are never dropped, and progress never queues more than one frame.
const maxQueuedLogs = 1 << 16

// Subscription delivers a tracker's events in order on C. The tracker never
// waits for it: events queue until the subscriber reads them.
type Subscription struct {
	C <-chan Event

	kinds uint32 // a bit per EventKind wanted; 0 for all
	t     *Tracker
	c     chan Event
	wake  chan struct{}
	quit  chan struct{}
	once  sync.Once

	mu      sync.Mutex
	queue   []Event
	head    int
	logs    int  // log events in the queue
	dropped int  // log events dropped because the queue was full
	told    int  // dropped events already reported in a notice
	ended   bool // the tracker closed: deliver what is queued, then close C
}

// Subscribe returns a subscription to every event from now on, or to the
// kinds given. Call Close when done with it.
func (t *Tracker) Subscribe(kinds ...EventKind) *Subscription {
	c := make(chan Event)
	s := &Subscription{C: c, t: t, c: c, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	for _, k := range kinds {
		s.kinds |= 1 << k
	}
	t.mu.Lock()
	if t.closed {
		s.ended = true
	} else {
		t.subs[s] = struct{}{}
	}
	t.mu.Unlock()
	go s.deliver()
	return s
}

// Close stops the subscription; C is closed soon after, and the rest of the
// queue is dropped.
func (s *Subscription) Close() {
	s.t.mu.Lock()
	delete(s.t.subs, s)
	s.t.mu.Unlock()
	s.once.Do(func() { close(s.quit) })
}

// Dropped is how many log lines were dropped because the subscriber fell
// more than maxQueuedLogs lines behind.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

func (s *Subscription) wants(k EventKind) bool { return s.kinds == 0 || s.kinds&(1<<k) != 0 }

// finish is called by the tracker's Close: deliver the queue, then close C.
func (s *Subscription) finish() {
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	s.signal()
}

func (s *Subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// push queues ev. It never blocks on the reader.
func (s *Subscription) push(ev Event) {
	s.mu.Lock()
	switch ev.Kind {
	case EventProgress:
		// Keep only the newest frame, and keep it after the events that
		// came before it so a reader never sees an ended transfer again.
		for i := s.head; i < len(s.queue); i++ {
			if s.queue[i].Kind == EventProgress {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
				break
			}
		}
	case EventLog:
		if s.logs >= maxQueuedLogs {
			s.dropped++
			s.mu.Unlock()
			return
		}
		if s.dropped > s.told {
			s.queue = append(s.queue, Event{Kind: EventNotice,
				Text: strconv.Itoa(s.dropped-s.told) + " log lines dropped: the log fell behind"})
			s.told = s.dropped
		}
		s.logs++
	}
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	s.signal()
}

// pop takes the oldest queued event.
func (s *Subscription) pop() (ev Event, ok, ended bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == len(s.queue) {
		return Event{}, false, s.ended
	}
	ev = s.queue[s.head]
	s.queue[s.head] = Event{}
	s.head++
	if s.head == len(s.queue) {
		s.queue, s.head = s.queue[:0], 0
	}
	if ev.Kind == EventLog {
		s.logs--
	}
	return ev, true, false
}

func (s *Subscription) deliver() {
	defer close(s.c)
	for {
		ev, ok, ended := s.pop()
		if !ok {
			if ended {
				return
			}
			select {
			case <-s.wake:
				continue
			case <-s.quit:
				return
			}
		}
		var wake chan struct{}
		if ev.Kind == EventProgress {
			wake = s.wake // held here, a frame must still give way to a newer one
		}
		select {
		case s.c <- ev:
		case <-wake:
			s.unpop(ev)
		case <-s.quit:
			return
		}
	}
}

// unpop puts back the progress frame deliver was holding when more events
// came, unless a newer frame is queued: a slow reader gets only the newest.
func (s *Subscription) unpop(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queue[s.head:] {
		if q.Kind == EventProgress {
			return
		}
	}
	if s.head > 0 {
		s.head--
		s.queue[s.head] = ev
	} else {
		s.queue = slices.Insert(s.queue, 0, ev)
	}
}
