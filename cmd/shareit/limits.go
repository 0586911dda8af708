package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// limits ends the share after --max-downloads complete downloads or once
// --timeout has passed. What makes a download complete is decided in one
// place, the transfer package (Snapshot.Complete and LogLine.Complete): a
// file taken whole, once per logical transfer however many Range parts
// carried it; HEAD requests, partial ranges and cut or cancelled downloads
// do not count.
type limits struct {
	max     int
	timeout time.Duration
	tracker *transfer.Tracker
	sub     *transfer.Subscription // nil without --max-downloads

	mu     sync.Mutex
	reason string
}

// newLimits subscribes to the tracker when downloads are to be counted:
// call it before the server serves, so no download is missed.
func newLimits(max int, timeout time.Duration, tracker *transfer.Tracker) *limits {
	l := &limits{max: max, timeout: timeout, tracker: tracker}
	if max > 0 {
		l.sub = tracker.Subscribe(transfer.EventFinished, transfer.EventFailed, transfer.EventLog)
	}
	return l
}

// run waits until a limit is reached, then calls end once with why the
// share ended; it returns then, or when ctx ends.
func (l *limits) run(ctx context.Context, end func(reason string)) error {
	var events <-chan transfer.Event
	if l.sub != nil {
		defer l.sub.Close()
		events = l.sub.C
	}
	var expired <-chan time.Time
	if l.timeout > 0 {
		t := time.NewTimer(l.timeout)
		defer t.Stop()
		expired = t.C
	}
	done := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-expired:
			l.stop(fmt.Sprintf("open for %s (--timeout %s)", shortDuration(l.timeout), shortDuration(l.timeout)), end)
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			what, ok := completeDownload(ev)
			if !ok {
				continue
			}
			done++
			l.tracker.Notice(fmt.Sprintf("download %d of %d complete: %s", done, l.max, what))
			if done >= l.max {
				l.stop(fmt.Sprintf("%d complete downloads (--max-downloads %d)", done, l.max), end)
				return nil
			}
		}
	}
}

func (l *limits) stop(reason string, end func(string)) {
	l.mu.Lock()
	l.reason = reason
	l.mu.Unlock()
	end(reason)
}

// ended is why a limit ended the share, or "" when none did.
func (l *limits) ended() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reason
}

// completeDownload says who took which file when ev is a complete download:
// a tracked download or archive whose parts covered it, or a small file
// sent whole.
func completeDownload(ev transfer.Event) (string, bool) {
	switch ev.Kind {
	case transfer.EventFinished, transfer.EventFailed:
		s := ev.Transfer
		if s.Complete && (s.Kind == transfer.Download || s.Kind == transfer.Archive) {
			return s.Client + " took " + s.Path, true
		}
	case transfer.EventLog:
		if l := ev.Log; l != nil && l.Complete() {
			return l.Client + " took " + uriPath(l.URI), true
		}
	}
	return "", false
}

// uriPath is the decoded path of a request target.
func uriPath(uri string) string {
	if u, err := url.ParseRequestURI(uri); err == nil {
		return u.Path
	}
	return uri
}

// endShare is what happens when a limit is reached. Headless, shareit
// ends as on Ctrl+C: running transfers get the usual grace, then it says
// why and exits 0. In the TUI the server stops listening and the log says
// why; the person at the terminal quits when they have seen it.
func endShare(headless bool, cancel context.CancelFunc, srv *fileserver.Server, tracker *transfer.Tracker) func(string) {
	return func(reason string) {
		if headless {
			cancel()
			return
		}
		tracker.Notice("share ended: " + reason + "; stopped listening")
		srv.Stop()
	}
}

// shortDuration writes d as people write it: 10m, not 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
