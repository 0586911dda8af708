package main

import (
	"fmt"
	"io"
	"os"

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

// follow writes log lines and notices until the tracker closes. The
// returned channel is closed when everything has been written.
func (l *logSink) follow(tracker *transfer.Tracker) <-chan struct{} {
	if len(l.out) > 0 {
		tracker.LogTo(l.out...) // written in batches until tracker.Close
	}
	done := make(chan struct{})
	if l.notices == nil {
		close(done)
		return done
	}
	sub := tracker.Subscribe(transfer.EventNotice)
	go func() {
		defer close(done)
		for ev := range sub.C {
			// Stamped like the request lines, in the Common Log Format.
			fmt.Fprintln(l.notices, ev.Time.Format("[02/Jan/2006:15:04:05 -0700]"), transfer.Printable(ev.Text))
		}
	}()
	return done
}

// printBanner shows what is shared and where, before any log line.
func printBanner(w io.Writer, srv *fileserver.Server, note string) {
	if note != "" {
		fmt.Fprintln(w, note)
	}
	mode := "read-only"
	switch {
	case srv.Drop():
		mode = "drop box"
	case srv.Uploads():
		mode = "uploads on"
	}
	fmt.Fprintf(w, "Serving %s (%s) at:\n", transfer.Printable(srv.Root()), mode)
	for _, u := range srv.URLs() {
		label := u.Label
		if u.Virtual {
			label += " (virtual adapter: phones rarely reach it)"
		}
		fmt.Fprintf(w, "  %-30s %s\n", u.URL, label)
	}
	printAccess(w, srv) // fingerprint, password, rate cap
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}
