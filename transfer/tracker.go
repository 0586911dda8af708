// Package transfer tracks the bytes shareit moves: one Part per HTTP
// response body, grouped into logical transfers per client and path, with
// per-client aggregates, windowed speeds, pause/resume and cancel.
//
// The HTTP side never waits for the people watching: subscribers get
// lifecycle events through an unbounded queue and progress coalesced to the
// newest frame, published at most every Interval.
package transfer

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Interval is how often progress is published (about ten times a second).
const Interval = 100 * time.Millisecond

// clientTTL is how long a client that moves no bytes stays listed.
const clientTTL = 30 * time.Minute

var (
	// ErrCancelled is returned by Part.Wait once the transfer was cancelled.
	ErrCancelled = errors.New("cancelled")
	// ErrIncomplete marks a part that ended before moving all its bytes.
	ErrIncomplete = errors.New("ended before the last byte")
)

// Info describes a part when it begins.
type Info struct {
	Kind      Kind
	Client    string // IP address, no port
	Port      int    // the client's port: tells apart two transfers of one file to one client
	Path      string
	UserAgent string
	Size      int64 // bytes this part will move; -1 when unknown
	// Partial marks a Range request. Concurrent partial parts from one
	// client for one path join one logical transfer (a download manager's
	// parallel connections); whole-file requests are always their own.
	Partial bool
	// Offset and Whole place the part in what it is cut from: a Range part
	// carries bytes [Offset, Offset+Size) of a file of Whole bytes. Whole 0
	// means the body is the whole (Whole = Size); Offset -1 means the part
	// cannot be placed (a multipart/byteranges body). The coverage type
	// adds the parts up.
	Offset, Whole int64
}

type key struct {
	client, path string
	kind         Kind
}

// Tracker follows every transfer. Its methods are safe for concurrent use.
type Tracker struct {
	now    func() time.Time              // time.Now; tests set their own clock
	paused atomic.Pointer[chan struct{}] // non-nil while paused; closed on resume

	mu        sync.Mutex
	nextID    uint64
	active    map[uint64]*logical
	byKey     map[key]*logical
	clients   map[string]*client
	subs      map[*Subscription]struct{}
	writers   []*LogWriter // copied on change: Log reads it without t.mu
	tally     tallies      // what the session moved, for Summary
	idleFrame bool         // publish one more frame after the last transfer ends
	closed    bool

	stop chan struct{}
	done chan struct{}
}

// logical is one client's transfer of one path, over one or more parts
// (see Info.Partial).
type logical struct {
	id       uint64
	key      key
	ua       string
	port     int // the first part's client port
	started  time.Time
	client   *client
	bytes    atomic.Int64
	cancel   chan struct{} // closed by Tracker.Cancel
	canceled atomic.Bool

	// guarded by Tracker.mu
	size    int64
	parts   []*Part // the running ones; a slice, as there is mostly one
	err     string
	meter   meter    // reads bytes at each tick
	speed   float64  // the meter's rate at the last tick
	moved   int64    // bytes it has likely moved by the last tick (meter.rate)
	stalled bool     // no byte for a while (meter.rate)
	cover   coverage // what the parts delivered of the whole
	sum     string   // an upload's SHA-256 in hex, once it landed (Part.SetSum)
}

type client struct {
	addr  string
	bytes atomic.Int64

	// guarded by Tracker.mu
	active    int
	speed     float64 // its active transfers' speeds added up
	lastBytes int64
	seen      time.Time // last time it moved bytes
}

// New starts a tracker. Close stops it.
func New() *Tracker {
	t := newTracker()
	go t.run()
	return t
}

// newTracker returns a tracker whose clock does not run: tests call tick
// with the times they choose.
func newTracker() *Tracker {
	return &Tracker{
		now:     time.Now,
		tally:   tallies{started: time.Now()},
		active:  make(map[uint64]*logical),
		byKey:   make(map[key]*logical),
		clients: make(map[string]*client),
		subs:    make(map[*Subscription]struct{}),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// Close stops publishing. Log writers write what is pending; subscribers
// receive what was queued, then their channel closes.
func (t *Tracker) Close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	writers := t.writers
	t.writers = nil
	t.mu.Unlock()
	// A writer's last flush may publish a notice (lines it dropped): it
	// must reach the subscribers before they end.
	for _, w := range writers {
		w.stop()
	}
	t.mu.Lock()
	subs := t.subs
	t.subs = map[*Subscription]struct{}{}
	t.mu.Unlock()
	close(t.stop)
	<-t.done
	for s := range subs {
		s.finish()
	}
}

// Begin starts tracking one response (or request) body. abort, if not nil,
// is called when the transfer is cancelled, from another goroutine, to unblock
// a write in progress. The caller must call Done exactly once.
func (t *Tracker) Begin(info Info, abort func()) *Part {
	k := key{info.Client, info.Path, info.Kind}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var x *logical
	if info.Partial {
		x = t.byKey[k]
	}
	if x == nil {
		t.nextID++
		c := t.client(info.Client, now)
		c.active++
		x = &logical{
			id:      t.nextID,
			key:     k,
			ua:      info.UserAgent,
			port:    info.Port,
			started: now,
			client:  c,
			cancel:  make(chan struct{}),
			meter:   newMeter(now, 0),
			size:    info.Size,
			cover:   coverage{whole: wholeOf(info)},
		}
		t.active[x.id] = x
		if info.Partial {
			t.byKey[k] = x
		}
	} else if x.size >= 0 && info.Size >= 0 {
		x.size += info.Size
		x.cover.join(wholeOf(info))
	} else {
		x.size = -1
		x.cover.join(wholeOf(info))
	}
	p := &Part{t: t, x: x, size: info.Size, offset: info.Offset, abort: abort}
	x.parts = append(x.parts, p)
	if len(x.parts) == 1 {
		t.publish(Event{Kind: EventStarted, Transfer: x.snapshot(now, t.isPaused())})
	}
	return p
}

// client returns the client at addr, adding it. t.mu must be held.
func (t *Tracker) client(addr string, now time.Time) *client {
	c := t.clients[addr]
	if c == nil {
		c = &client{addr: addr, seen: now}
		t.clients[addr] = c
	}
	return c
}

// Pause stops every tracked transfer at its next chunk boundary.
func (t *Tracker) Pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.paused.Load() == nil {
		ch := make(chan struct{})
		t.paused.Store(&ch)
		t.idleFrame = true
	}
}

// Resume lets paused transfers continue where they were.
func (t *Tracker) Resume() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ch := t.paused.Swap(nil); ch != nil {
		close(*ch)
		t.idleFrame = true
	}
}

// Paused reports whether transfers are paused.
func (t *Tracker) Paused() bool { return t.isPaused() }

func (t *Tracker) isPaused() bool { return t.paused.Load() != nil }

// WaitResumed blocks while transfers are paused, or until ctx is done.
func (t *Tracker) WaitResumed(ctx context.Context) error {
	for {
		ch := t.paused.Load()
		if ch == nil {
			return nil
		}
		select {
		case <-*ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Cancel ends the transfer with this ID: its parts stop at their next chunk
// and their connections are closed. It reports whether the transfer was active.
func (t *Tracker) Cancel(id uint64) bool {
	t.mu.Lock()
	x := t.active[id]
	if x == nil || x.canceled.Load() {
		t.mu.Unlock()
		return false
	}
	x.canceled.Store(true)
	close(x.cancel)
	// A retry by the same client is a new transfer, not this cancelled one.
	delete(t.byKey, x.key)
	var aborts []func()
	for _, p := range x.parts {
		if p.abort != nil {
			aborts = append(aborts, p.abort)
		}
	}
	t.mu.Unlock()
	for _, abort := range aborts {
		abort()
	}
	return true
}

// Snapshot returns the current state of every active transfer and client.
func (t *Tracker) Snapshot() *Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.frame(t.now())
}

// Log publishes one request's log line. The bytes of a body no transfer
// carried (l.Transfer == 0: small files, listings) count to the client's
// total here, under the same lock: it is once per request.
func (t *Tracker) Log(l LogLine) {
	t.mu.Lock()
	if l.Transfer == 0 && l.Bytes > 0 {
		t.client(l.Client, t.now()).bytes.Add(l.Bytes)
	}
	t.tally.logged(&l)
	writers := t.writers
	var shared *LogLine // made only when a subscriber takes log lines
	for s := range t.subs {
		if s.wants(EventLog) {
			if shared == nil {
				shared = new(LogLine)
				*shared = l
			}
			s.push(Event{Kind: EventLog, Log: shared})
		}
	}
	t.mu.Unlock()
	for _, w := range writers {
		w.add(&l)
	}
}

// Notice publishes a message from the server (an error it logged, a port it
// chose) for people to read.
func (t *Tracker) Notice(text string) {
	t.mu.Lock()
	t.publish(Event{Kind: EventNotice, Text: text, Time: t.now()})
	t.mu.Unlock()
}

// Message publishes a text a client sent. Like a notice it is never
// dropped.
func (t *Tracker) Message(client, text string) {
	t.mu.Lock()
	t.publish(Event{Kind: EventMessage, Message: &Message{Time: t.now(), Client: client, Text: text}})
	t.mu.Unlock()
}

// publish queues ev for every subscriber. t.mu must be held, which keeps
// every subscriber's queue in the order things happened.
func (t *Tracker) publish(ev Event) {
	for s := range t.subs {
		if s.wants(ev.Kind) {
			s.push(ev)
		}
	}
}

func (t *Tracker) run() {
	defer close(t.done)
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			// Stamped when the counts are read, not when the tick was
			// due: on a busy machine this goroutine runs late, and the
			// bytes of the delay would count as moved at the earlier time.
			t.tick(time.Now())
		}
	}
}

// tick updates speeds and publishes one progress frame. Speeds are read
// here, on a fixed ticker, and never per chunk: a client's speed is its
// transfers' speeds added up, so the rows and the totals always agree.
func (t *Tracker) tick(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.active) == 0 && !t.idleFrame {
		return
	}
	t.idleFrame = len(t.active) > 0
	paused := t.isPaused()
	for _, c := range t.clients {
		c.speed = 0
	}
	for _, x := range t.active {
		b := x.bytes.Load()
		if paused {
			// A pause is not slowness: measure afresh from the resume.
			x.meter.restart(now, b)
			x.speed, x.moved, x.stalled = 0, b, false
			continue
		}
		x.meter.observe(now, b)
		x.speed, x.moved, x.stalled = x.meter.rate(now)
		x.client.speed += x.speed
	}
	for addr, c := range t.clients {
		b := c.bytes.Load()
		if b != c.lastBytes || c.active > 0 {
			c.seen = now
		} else if now.Sub(c.seen) > clientTTL {
			delete(t.clients, addr)
		}
		c.lastBytes = b
	}
	if len(t.subs) > 0 {
		t.publish(Event{Kind: EventProgress, Progress: t.frame(now)})
	}
}

// frame builds a Progress. t.mu must be held.
func (t *Tracker) frame(now time.Time) *Progress {
	paused := t.isPaused()
	p := &Progress{Time: now, Paused: paused, Transfers: make([]Snapshot, 0, len(t.active))}
	agg := make(map[*client]*ClientStats, len(t.clients))
	p.Clients = make([]ClientStats, 0, len(t.clients))
	for _, c := range t.clients {
		p.Clients = append(p.Clients, ClientStats{Addr: c.addr, Active: c.active, Bytes: c.bytes.Load(), Speed: c.speed})
	}
	slices.SortFunc(p.Clients, func(a, b ClientStats) int { return cmp.Compare(a.Addr, b.Addr) })
	for i := range p.Clients {
		agg[t.clients[p.Clients[i].Addr]] = &p.Clients[i]
	}
	for _, x := range t.active {
		s := x.snapshot(now, paused)
		p.Transfers = append(p.Transfers, s)
		if s.Size >= 0 {
			a := agg[x.client]
			a.Done += min(s.Bytes, s.Size)
			a.Total += s.Size
		}
	}
	slices.SortFunc(p.Transfers, func(a, b Snapshot) int { return cmp.Compare(a.ID, b.ID) })
	return p
}

// snapshot copies x. t.mu must be held.
func (x *logical) snapshot(now time.Time, paused bool) Snapshot {
	return Snapshot{
		ID:        x.id,
		Kind:      x.key.kind,
		Client:    x.key.client,
		Port:      x.port,
		Path:      x.key.path,
		UserAgent: x.ua,
		Size:      x.size,
		Whole:     x.cover.whole,
		Bytes:     x.bytes.Load(),
		Parts:     len(x.parts),
		Speed:     x.speed,
		Stalled:   x.stalled,
		Moved:     x.moved,
		Started:   x.started,
		State:     Active,
		Paused:    paused,
		Sum:       x.sum,
	}
}

// Part is one HTTP body of a logical transfer.
type Part struct {
	t      *Tracker
	x      *logical
	size   int64
	offset int64 // where its bytes start in the whole (Info.Offset)
	bytes  atomic.Int64
	abort  func()
	done   bool // guarded by t.mu
}

// Add records n more bytes moved. It is cheap and never blocks.
func (p *Part) Add(n int64) {
	p.bytes.Add(n)
	p.x.bytes.Add(n)
	p.x.client.bytes.Add(n)
}

// Bytes is how many bytes this part has moved.
func (p *Part) Bytes() int64 { return p.bytes.Load() }

// Wait is called between chunks: it returns at once while transfers run,
// blocks while they are paused, and returns ErrCancelled once this transfer
// was cancelled, or ctx's error when ctx is done.
func (p *Part) Wait(ctx context.Context) error {
	for {
		if p.x.canceled.Load() {
			return ErrCancelled
		}
		ch := p.t.paused.Load()
		if ch == nil {
			return nil
		}
		select {
		case <-*ch:
		case <-p.x.cancel:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// SetSum records the SHA-256 (hex) of what an upload received, shown
// when it ends.
func (p *Part) SetSum(sum string) {
	p.t.mu.Lock()
	p.x.sum = sum
	p.t.mu.Unlock()
}

// Cancelled reports whether the transfer was cancelled.
func (p *Part) Cancelled() bool { return p.x.canceled.Load() }

// Done ends the part. err is why it ended early, or nil; a part that moved
// fewer bytes than its size counts as failed even when err is nil. The
// logical transfer ends with its last part.
func (p *Part) Done(err error) {
	t := p.t
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	x := p.x
	x.parts = slices.DeleteFunc(x.parts, func(q *Part) bool { return q == p })
	if err == nil && p.size >= 0 && p.bytes.Load() < p.size {
		err = ErrIncomplete
	}
	if err != nil && x.err == "" {
		x.err = err.Error()
	}
	x.cover.add(p.offset, p.bytes.Load())
	if len(x.parts) > 0 {
		return
	}
	delete(t.active, x.id)
	if t.byKey[x.key] == x {
		delete(t.byKey, x.key)
	}
	x.client.active--
	x.client.speed = max(0, x.client.speed-x.speed)
	if x.client.active == 0 {
		x.client.speed = 0
	}
	s := x.snapshot(now, false)
	s.Ended = now
	s.Speed, s.Stalled, s.Moved = 0, false, 0
	ev := Event{Kind: EventFinished}
	switch {
	case x.canceled.Load():
		s.State, ev.Kind = Cancelled, EventCancelled
	case x.err != "":
		s.State, ev.Kind, s.Err = Failed, EventFailed, x.err
	default:
		s.State = Finished
	}
	s.Complete = !x.canceled.Load() && x.cover.complete(x.err == "")
	ev.Transfer = s
	t.tally.ended(s)
	t.idleFrame = true
	t.publish(ev)
}
