package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// netPoll is how often the share's addresses are read again. Listing the
// interfaces is a few system calls, so every few seconds costs nothing,
// and an address that comes (Wi-Fi joined, VPN up) or goes shows soon.
const netPoll = 3 * time.Second

// netWatch keeps the URLs the share answers on as the network changes,
// and logs each address that appears or goes.
type netWatch struct {
	srv     *fileserver.Server
	tracker *transfer.Tracker

	mu   sync.Mutex
	urls []fileserver.URL
}

func newNetWatch(srv *fileserver.Server, tracker *transfer.Tracker) *netWatch {
	return &netWatch{srv: srv, tracker: tracker, urls: srv.AddrURLs()}
}

// URLs is the newest list pointed at what is shared now, for the TUI:
// reading it asks the system nothing. The watcher keeps the addresses
// alone, so a new secret token is neither logged nor taken for a change
// of network.
func (w *netWatch) URLs() []fileserver.URL {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.srv.ShareURLs(w.urls)
}

// run reads the URLs every netPoll until ctx is done.
func (w *netWatch) run(ctx context.Context) error {
	t := time.NewTicker(netPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			w.poll()
		}
	}
}

func (w *netWatch) poll() {
	now := w.srv.AddrURLs()
	w.mu.Lock()
	old := w.urls
	w.urls = now
	w.mu.Unlock()
	for _, line := range urlChanges(old, now) {
		w.tracker.Notice(line)
	}
}

// urlChanges says which URLs appeared and which went between two lists.
func urlChanges(old, now []fileserver.URL) []string {
	has := func(list []fileserver.URL, u fileserver.URL) bool {
		return slices.ContainsFunc(list, func(x fileserver.URL) bool { return x.URL == u.URL })
	}
	var lines []string
	for _, u := range now {
		if !has(old, u) {
			lines = append(lines, "network: "+u.URL+" ("+describe(u)+") appeared")
		}
	}
	for _, u := range old {
		if !has(now, u) {
			lines = append(lines, "network: "+u.URL+" ("+describe(u)+") went away")
		}
	}
	return lines
}

// describe is a URL's label and what is known of its address.
func describe(u fileserver.URL) string {
	s := u.Label
	if u.Virtual {
		s += ", virtual"
	}
	if u.Route {
		s += ", default route"
	}
	return s
}
