package transfer_test

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shareit/transfer"
)

// syncBuffer is a bytes.Buffer safe to write from the LogWriter's goroutine
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func line(i int) transfer.LogLine {
	return transfer.LogLine{Client: "10.0.0.1", Method: "GET", URI: "/" + strconv.Itoa(i), Proto: "HTTP/1.1", Status: 200}
}

// TestLogWriterWritesEveryLine: every line reaches every output, in order,
// formatted as AppendText makes it; the tracker's Close writes what is
// pending; a subscriber that asked for notices only gets no log lines.
func TestLogWriterWritesEveryLine(t *testing.T) {
	tr := transfer.New()
	var a, b syncBuffer
	tr.LogTo(&a, &b)
	notices := tr.Subscribe(transfer.EventNotice)
	const n = 5000
	var want strings.Builder
	for i := range n {
		l := line(i)
		tr.Log(l)
		text, _ := l.AppendText(nil)
		want.Write(text)
		want.WriteByte('\n')
	}
	tr.Notice("done")
	tr.Close()
	for name, got := range map[string]string{"first": a.String(), "second": b.String()} {
		if got != want.String() {
			t.Errorf("%s output: %d bytes, want the %d lines in order (%d bytes)", name, len(got), n, want.Len())
		}
	}
	evs := drain(t, notices)
	if len(evs) != 1 || evs[0].Kind != transfer.EventNotice || evs[0].Text != "done" {
		t.Errorf("the notices-only subscriber got %d events (%v), want the one notice", len(evs), evs)
	}
}

// blockedWriter holds every write until released, as a terminal that
// stopped reading.
type blockedWriter struct {
	release chan struct{}
	out     syncBuffer
}

func (w *blockedWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.out.Write(p)
}

// TestLogWriterNeverBlocksLog: with the output stuck, Log still returns
// at once, however many lines come; what does not fit is dropped, and the
// tracker's Close writes the rest and says how many were dropped before
// the subscriptions end.
func TestLogWriterNeverBlocksLog(t *testing.T) {
	tr := transfer.New()
	stuck := &blockedWriter{release: make(chan struct{})}
	tr.LogTo(stuck)
	sub := tr.Subscribe(transfer.EventNotice)
	const n = 200_000 // ~ 16 MiB of lines: past the 4 MiB that may wait
	done := make(chan struct{})
	go func() {
		for i := range n {
			tr.Log(line(i))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatal("Log blocked on a stuck output")
	}
	close(stuck.release)
	tr.Close()
	var dropped int
	for _, ev := range drain(t, sub) {
		if d, ok := strings.CutSuffix(ev.Text, " log lines dropped: the log fell behind"); ok {
			dropped, _ = strconv.Atoi(d)
		}
	}
	written := strings.Count(stuck.out.String(), "\n")
	if dropped == 0 || written+dropped != n {
		t.Errorf("written %d + dropped %d, want %d in all and some dropped", written, dropped, n)
	}
}

// TestLogAllocatesNothing: a log line for log writers only (no subscriber
// takes lines, as in headless mode) costs no allocation.
func TestLogAllocatesNothing(t *testing.T) {
	tr := transfer.New()
	defer tr.Close()
	var out syncBuffer
	tr.LogTo(&out)
	sub := tr.Subscribe(transfer.EventNotice)
	defer sub.Close()
	l := line(1)
	if allocs := testing.AllocsPerRun(10000, func() { tr.Log(l) }); allocs >= 1 {
		t.Errorf("Log: %v allocations per line, want none", allocs)
	}
}
