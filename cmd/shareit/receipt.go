package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"time"
	"unicode/utf8"

	"shareit/transfer"
)

// receipt is one line of the --receipt file: who took what, when, and
// whether they got all of it.
type receipt struct {
	Time      time.Time `json:"time"` // when it started
	Client    string    `json:"client"`
	UserAgent string    `json:"user_agent"`
	Kind      string    `json:"kind"` // download, archive, upload, or text (a text sent)
	Path      string    `json:"path"`
	Bytes     int64     `json:"bytes"` // bytes sent (received, for an upload)
	Size      int64     `json:"size"`  // size of the whole file; -1 when unknown
	Complete  bool      `json:"complete"`
	Duration  float64   `json:"duration"` // seconds
	Error     string    `json:"error,omitempty"`
	Text      string    `json:"text,omitempty"`   // a text sent, as sent
	SHA256    string    `json:"sha256,omitempty"` // of an upload that landed
}

// receiptSink appends a receipt line per finished transfer to a file. It
// reads a tracker subscription, like the log, so no handler waits for the
// disk.
type receiptSink struct {
	f    *os.File
	path string
}

// openReceipt opens path for appending; "" means no receipts.
func openReceipt(path string) (*receiptSink, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--receipt: %w", err)
	}
	return &receiptSink{f: f, path: path}, nil
}

func (r *receiptSink) close() {
	if r != nil {
		r.f.Close()
	}
}

// follow writes receipts until the tracker closes; the returned channel is
// closed once everything queued is written. Subscribe before serving.
func (r *receiptSink) follow(tracker *transfer.Tracker) <-chan struct{} {
	done := make(chan struct{})
	if r == nil {
		close(done)
		return done
	}
	sub := tracker.Subscribe(transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled, transfer.EventLog, transfer.EventMessage, transfer.EventNotice)
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(r.f, 16<<10)
		enc := json.NewEncoder(safeJSON{w}) // one line per value; safeJSON escapes invalid UTF-8 and controls
		enc.SetEscapeHTML(false)
		var failed error
		write := func(rc any) {
			if err := enc.Encode(rc); err != nil && failed == nil {
				failed = err
			}
		}
		drain(sub, func(ev transfer.Event) {
			switch ev.Kind {
			case transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled:
				if rc, ok := transferReceipt(ev.Transfer); ok {
					write(rc)
				}
			case transfer.EventLog:
				if rc, ok := smallReceipt(ev.Log); ok {
					write(rc)
				}
			case transfer.EventMessage:
				write(textReceipt(ev.Message))
			case transfer.EventNotice:
				if rc, ok := blockReceipt(ev); ok {
					write(rc)
				}
			}
		}, func() {
			if err := w.Flush(); err != nil && failed == nil {
				failed = err
				tracker.Notice(fmt.Sprintf("--receipt %s: %v", r.path, err))
			}
		})
	}()
	return done
}

// transferReceipt describes a tracked transfer that ended. A big listing
// page is tracked too, but it is not a file anybody took.
func transferReceipt(s transfer.Snapshot) (receipt, bool) {
	if s.Kind == transfer.Download && s.Whole < 0 {
		return receipt{}, false
	}
	size := s.Whole
	if size < 0 {
		size = s.Size
	}
	rc := receipt{
		Time:      s.Started.Truncate(time.Millisecond),
		Client:    s.Client,
		UserAgent: s.UserAgent,
		Kind:      s.Kind.String(),
		Path:      receiptPath(s.Path),
		Bytes:     s.Bytes,
		Size:      size,
		Complete:  s.Complete,
		Duration:  seconds(s.Ended.Sub(s.Started)),
		Error:     s.Err,
		SHA256:    s.Sum,
	}
	if s.State == transfer.Cancelled {
		rc.Error = "cancelled"
	}
	return rc, true
}

// accessReceipt is the line of a client blocked (denied under --ask
// too) or unblocked: who, when.
type accessReceipt struct {
	Time   time.Time `json:"time"`
	Client string    `json:"client"`
	Kind   string    `json:"kind"` // blocked or unblocked
}

// blockReceipt describes a block or an unblock.
func blockReceipt(ev transfer.Event) (accessReceipt, bool) {
	kind := ""
	switch ev.Action {
	case transfer.ActionBlock, transfer.ActionDeny:
		kind = "blocked"
	case transfer.ActionUnblock:
		kind = "unblocked"
	default:
		return accessReceipt{}, false
	}
	return accessReceipt{Time: ev.Time.Truncate(time.Millisecond), Client: ev.Client, Kind: kind}, true
}

// smallReceipt describes a file body too small to be tracked (see
// transfer.LogLine.Transfer): a GET of a file answered with its content.
func smallReceipt(l *transfer.LogLine) (receipt, bool) {
	if l == nil || l.Transfer != 0 || l.File < 0 || l.Method != "GET" || (l.Status != 200 && l.Status != 206) {
		return receipt{}, false
	}
	return receipt{
		Time:      l.Time.Truncate(time.Millisecond),
		Client:    l.Client,
		UserAgent: l.UserAgent,
		Kind:      transfer.Download.String(),
		Path:      receiptPath(uriPath(l.URI)),
		Bytes:     l.Bytes,
		Size:      l.File,
		Complete:  l.Complete(),
		Duration:  seconds(l.Duration),
	}, true
}

// textReceipt records a text a client sent.
func textReceipt(m *transfer.Message) receipt {
	n := int64(len(m.Text))
	return receipt{Time: m.Time.Truncate(time.Millisecond), Client: m.Client, Kind: "text", Path: "/?text",
		Bytes: n, Size: n, Complete: true, Text: m.Text}
}

// receiptPath keeps a path that is not valid UTF-8 readable and exact:
// percent-encoded, where encoding/json would put U+FFFD for each bad byte.
func receiptPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	return (&url.URL{Path: p}).EscapedPath()
}

// seconds is d in seconds, to the millisecond.
func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}

// flushEvery bounds how long a written receipt may wait in its buffer.
// Flushing as soon as no event waits would mean a write per request under
// load (the loop keeps up, so the queue is empty after each one).
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
