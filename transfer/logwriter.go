package transfer

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// A LogWriter writes the request log to files or a terminal. Tracker.Log
// formats each line into a buffer under a lock held just for that; a
// goroutine writes the buffer out flushDelay after its first line, without
// the lock. No request waits for a disk or a slow terminal, no goroutine is
// woken per request, and a busy server makes one write per flushDelay
// rather than one per request. Past maxPending unwritten bytes (a terminal
// that stopped reading), lines are dropped, counted and said.
type LogWriter struct {
	t   *Tracker
	out []io.Writer

	mu      sync.Mutex
	buf     []byte
	dropped int

	kick chan struct{} // a line came into an empty buffer
	quit chan struct{}
	done chan struct{}
}

const (
	flushDelay = 20 * time.Millisecond
	maxPending = 4 << 20
)

// LogTo writes every log line from now on to each of out, until the
// tracker's Close, which writes what is pending.
func (t *Tracker) LogTo(out ...io.Writer) {
	w := &LogWriter{t: t, out: out, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	t.mu.Lock()
	t.writers = append(t.writers[:len(t.writers):len(t.writers)], w) // a new slice: Log reads the old one unlocked
	t.mu.Unlock()
	go w.run()
}

// stop writes what is pending and ends the writing goroutine.
func (w *LogWriter) stop() {
	close(w.quit)
	<-w.done
}

func (w *LogWriter) add(l *LogLine) {
	w.mu.Lock()
	if len(w.buf) >= maxPending {
		w.dropped++
		w.mu.Unlock()
		return
	}
	first := len(w.buf) == 0
	w.buf, _ = l.AppendText(w.buf)
	w.buf = append(w.buf, '\n')
	w.mu.Unlock()
	if first {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

func (w *LogWriter) run() {
	defer close(w.done)
	var spare []byte
	timer := time.NewTimer(flushDelay)
	timer.Stop()
	for {
		select {
		case <-w.kick:
		case <-w.quit:
			w.flush(&spare)
			return
		}
		timer.Reset(flushDelay)
		select {
		case <-timer.C:
		case <-w.quit:
			w.flush(&spare)
			return
		}
		w.flush(&spare)
	}
}

// flush writes the buffer out, and swaps in spare, the one written last
// time, so lines keep coming while the write runs.
func (w *LogWriter) flush(spare *[]byte) {
	w.mu.Lock()
	b, dropped := w.buf, w.dropped
	w.buf, w.dropped = (*spare)[:0], 0
	w.mu.Unlock()
	for _, o := range w.out {
		o.Write(b)
	}
	*spare = b
	if dropped > 0 {
		w.t.Notice(strconv.Itoa(dropped) + " log lines dropped: the log fell behind")
	}
}
