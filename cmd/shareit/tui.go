package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/tui"
)

// controller is what the TUI may do to the running server.
type controller struct {
	*fileserver.Server
	tracker *transfer.Tracker
	net     *netWatch
}

var _ tui.Controller = controller{}

func (c controller) Pause()                { c.tracker.Pause() }
func (c controller) Resume()               { c.tracker.Resume() }
func (c controller) Paused() bool          { return c.tracker.Paused() }
func (c controller) Cancel(id uint64) bool { return c.tracker.Cancel(id) }
func (c controller) Uploads() bool         { return c.Server.Uploads() }
func (c controller) SetUploads(on bool) error {
	if on && !c.Server.Uploadable() {
		return errors.New("uploads need one folder to land in: start shareit with --upload-to DIR")
	}
	c.Server.SetUploads(on)
	return nil
}

// SetRate changes the per-client cap. The TUI logs the change once the
// key presses settle, not here at each one.
func (c controller) SetRate(bps int64) { c.Server.SetRate(bps) }

func (c controller) Asks() []tui.Ask {
	var asks []tui.Ask
	for _, a := range c.Server.Asks() {
		asks = append(asks, tui.Ask(a))
	}
	return asks
}

// NewLink makes a limited link (the TUI's L, n).
func (c controller) NewLink(path string, maxDownloads int, ttl time.Duration) (tui.Link, error) {
	return madeLink(c.Server.NewLink(path, maxDownloads, ttl))
}

// LinkAt makes a limited link from the TUI's browser (b, l).
func (c controller) LinkAt(u string, maxDownloads int, ttl time.Duration) (tui.Link, error) {
	return madeLink(c.Server.NewLinkAt(u, maxDownloads, ttl))
}

// madeLink is a link just made, for the TUI, or the error that kept it from being made.
func madeLink(l fileserver.Link, err error) (tui.Link, error) {
	if err != nil {
		return tui.Link{}, err
	}
	return tuiLink(l, time.Now()), nil
}

func (c controller) Links() []tui.Link {
	now := time.Now()
	var out []tui.Link
	for _, l := range c.Server.Links() {
		out = append(out, tuiLink(l, now))
	}
	return out
}

func tuiLink(l fileserver.Link, now time.Time) tui.Link {
	return tui.Link{Token: l.Token, Path: l.Path, URL: l.URL, Max: l.Max, Uses: l.Uses, Expires: l.Expires, State: l.State(now)}
}

// URLs is the watcher's newest list: the TUI reads it every second, and
// only the watcher asks the system.
func (c controller) URLs() []tui.URL {
	var urls []tui.URL
	for _, u := range c.net.URLs() {
		urls = append(urls, tui.URL(u))
	}
	return urls
}

var _ tui.Sharer = controller{}

// Items lists what is shared, for the TUI's remove list.
func (c controller) Items() []tui.Item {
	var items []tui.Item
	for _, it := range c.Server.Paths() {
		items = append(items, tui.Item(it))
	}
	return items
}

var _ tui.Browser = controller{}

// List lists a shared folder for the TUI's browser, through the server's
// own confined view.
func (c controller) List(dir string) ([]tui.Entry, error) {
	entries, err := c.Server.List(dir)
	out := make([]tui.Entry, len(entries))
	for i, e := range entries {
		out[i] = tui.Entry(e)
	}
	return out, err
}

// runTUI runs the live view until the user quits or ctx is done. When the
// user quits, running transfers are cut at once: they were asked about.
func runTUI(ctx context.Context, srv *fileserver.Server, tracker *transfer.Tracker, net *netWatch, o *options, note string) error {
	sub := tracker.Subscribe()
	defer sub.Close()
	if note != "" {
		tracker.Notice(note)
	}
	if fp := srv.Fingerprint(); fp != "" {
		tracker.Notice("TLS fingerprint (SHA-256): " + fp)
	}
	m := tui.New(controller{srv, tracker, net}, sub.C, tui.Options{Version: version, Fingerprint: srv.Fingerprint(), Notes: headerNotes(o, time.Now())})
	final, err := tea.NewProgram(m, tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // a signal: main shuts down gracefully
	}
	if err != nil {
		return err
	}
	if tui.ExitOf(final) != tui.ExitClosed {
		srv.Close()
	}
	return nil
}

// headerNotes names the features that are on, for the TUI's header; the
// rate cap, TLS and mDNS show there and in the URL panel already.
func headerNotes(o *options, now time.Time) []string {
	var notes []string
	if o.access.auth != "" {
		notes = append(notes, "password")
	}
	if o.access.secret {
		notes = append(notes, "secret link")
	}
	if o.access.drop {
		notes = append(notes, "drop box")
	}
	if o.access.ask {
		notes = append(notes, "asks for new devices")
	}
	if n := o.reach.maxDownloads; n > 0 {
		notes = append(notes, fmt.Sprintf("ends after %d downloads", n))
	}
	if d := o.reach.timeout; d > 0 {
		notes = append(notes, "ends at "+now.Add(d).Format("15:04:05"))
	}
	if o.reach.receipt != "" {
		notes = append(notes, "receipts to "+o.reach.receipt)
	}
	return notes
}
