package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// logSink writes the request log: to stdout in headless mode, and to the
// --log file. It reads a tracker subscription, so the handlers never wait
// for a slow terminal or disk.
type logSink struct {
	out     []io.Writer
	notices io.Writer // server messages; nil in TUI mode, where the TUI shows them
	file    *os.File
}

func openLogs(path string, headless bool) (*logSink, error) {
	l := &logSink{}
	if headless {
		l.out = append(l.out, os.Stdout)
		l.notices = os.Stderr
	}
	if path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("--log: %w", err)
		}
		l.file = f
		l.out = append(l.out, f)
	}
	return l, nil
}

func (l *logSink) close() {
	if l.file != nil {
		l.file.Close()
	}
}

// follow writes log lines until the tracker closes. The returned channel
// is closed when everything queued has been written.
func (l *logSink) follow(tracker *transfer.Tracker) <-chan struct{} {
	done := make(chan struct{})
	if len(l.out) == 0 {
		close(done)
		return done
	}
	sub := tracker.Subscribe()
	go func() {
		defer close(done)
		ws := make([]*bufio.Writer, len(l.out))
		for i, w := range l.out {
			ws[i] = bufio.NewWriterSize(w, 32<<10)
		}
		var line []byte
		drain(sub, func(ev transfer.Event) {
			switch ev.Kind {
			case transfer.EventLog:
				line, _ = ev.Log.AppendText(line[:0])
				line = append(line, '\n')
				for _, w := range ws {
					w.Write(line)
				}
			case transfer.EventNotice:
				if l.notices != nil {
					fmt.Fprintln(l.notices, transfer.Printable(ev.Text))
				}
			}
		}, func() {
			for _, w := range ws {
				w.Flush()
			}
		})
	}()
	return done
}

// flushEvery bounds how long a written log line may wait in its buffer.
// Flushing as soon as no event waits meant a write syscall per request
// under load (the loop keeps up, so the queue is empty after each line).
const flushEvery = 20 * time.Millisecond

// drain hands each event of sub to handle until the tracker closes it,
// calling flush flushEvery after the first event since the last flush, and
// once at the end: output shows promptly, and goes out in batches under
// load.
func drain(sub *transfer.Subscription, handle func(transfer.Event), flush func()) {
	defer flush()
	timer := time.NewTimer(flushEvery)
	timer.Stop()
	dirty := false
	for {
		var ev transfer.Event
		var ok bool
		if dirty {
			select {
			case ev, ok = <-sub.C:
			case <-timer.C:
				flush()
				dirty = false
				continue
			}
		} else {
			ev, ok = <-sub.C
		}
		if !ok {
			return
		}
		handle(ev)
		if !dirty {
			dirty = true
			timer.Reset(flushEvery)
		}
	}
}

// printBanner shows what is shared and where, before any log line.
func printBanner(w io.Writer, srv *fileserver.Server, note string) {
	if note != "" {
		fmt.Fprintln(w, note)
	}
	mode := "read-only"
	if srv.Uploads() {
		mode = "uploads on"
	}
	fmt.Fprintf(w, "Serving %s (%s) at:\n", transfer.Printable(srv.Root()), mode)
	for _, u := range srv.URLs() {
		fmt.Fprintf(w, "  %-30s %s\n", u.URL, u.Label)
	}
	printAccess(w, srv) // fingerprint, password, rate cap (access.go)
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}
