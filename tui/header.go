package tui

import (
	"strings"
	"time"

	"shareit/transfer"
)

// header is the top two lines: what is served and how, then the totals.
type header struct {
	st      *Styles
	w       int
	version string
	// fingerprint is the TLS certificate's, shown on a third line; "" for
	// plain HTTP, and no third line.
	fingerprint string

	root      string
	uploads   bool
	listening bool
	paused    bool
	uptime    time.Duration
	rate      int64    // per-client cap in bytes per second, 0 = none
	notes     []string // features that are on (Options.Notes)

	active  int     // transfers running
	clients int     // client addresses seen
	sent    int64   // bytes moved, all clients
	speed   float64 // bytes per second, all clients
}

func (h *header) SetSize(w int) { h.w = w }

// state is one word for what the server is doing: serving, paused,
// stopped, or draining (stopped, with transfers still running).
func (h header) state() string {
	switch {
	case !h.listening && h.active > 0:
		return "draining"
	case !h.listening:
		return "stopped"
	case h.paused:
		return "paused"
	}
	return "serving"
}

func (h header) View() string {
	st := h.st
	left := st.Header.App.Render("shareit")
	if h.version != "" {
		left += " " + st.Header.Muted.Render(transfer.Printable(h.version))
	}
	left += "  "

	mode := st.Header.Muted.Render("read-only")
	if h.uploads {
		mode = st.Header.Uploads.Render("uploads on")
	}
	state := h.state()
	stateStyle := st.Header.Serving
	switch state {
	case "draining":
		stateStyle = st.Header.Draining
	case "stopped":
		stateStyle = st.Header.Stopped
	case "paused":
		stateStyle = st.Header.Paused
	}
	right := mode + "  " + stateStyle.Render("● "+state)
	if h.paused && state != "paused" {
		right += st.Header.Paused.Render(" · paused")
	}
	right += "  " + st.Header.Muted.Render("up "+formatDuration(h.uptime))

	room := h.w - cells(left) - cells(right) - 2
	folder := st.Header.Folder.Render(truncateLeft(transfer.Printable(h.root), max(room, 8)))
	gap := max(2, h.w-cells(left)-cells(folder)-cells(right))
	line1 := left + folder + strings.Repeat(" ", gap) + right

	speed := h.speed
	if h.paused {
		speed = 0
	}
	// The numbers that change every frame keep their width, so what
	// follows them stays put.
	totals := []string{
		plural(h.active, "transfer", "transfers"),
		plural(h.clients, "client", "clients"),
		padLeft(formatBytes(h.sent), len("99.9 MB")) + " sent",
		padLeft(formatSpeed(speed), len("99.9 MB/s")),
	}
	if h.rate > 0 {
		totals = append(totals, "cap "+formatCap(h.rate)+" per client")
	}
	for _, n := range h.notes {
		totals = append(totals, transfer.Printable(n))
	}
	line2 := st.Header.Muted.Render(strings.Join(totals, " · "))
	if h.fingerprint == "" {
		return truncate(line1, h.w) + "\n" + truncate(line2, h.w)
	}
	const label = "TLS SHA-256 "
	line3 := st.Header.Muted.Render(label) + shortFingerprint(h.fingerprint, h.w-len(label))
	return truncate(line1, h.w) + "\n" + truncate(line2, h.w) + "\n" + truncate(line3, h.w)
}

// height is the header's lines: a third one shows the TLS fingerprint.
func (h header) height() int {
	if h.fingerprint != "" {
		return 3
	}
	return 2
}
