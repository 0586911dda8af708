package transfer

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tally counts files moved one way.
type Tally struct {
	Files    int   // transfers that ended, and small bodies sent whole or in part
	Complete int   // of them, those that moved every byte of the file
	Bytes    int64 // body bytes moved, listings and pages included
}

// Cut is how many files did not move whole: failed, cancelled, or a part.
func (t Tally) Cut() int { return t.Files - t.Complete }

func (t *Tally) add(bytes int64, file, complete bool) {
	t.Bytes += bytes
	if file {
		t.Files++
		if complete {
			t.Complete++
		}
	}
}

// ClientSummary is what one client address took and gave.
type ClientSummary struct {
	Addr           string
	Sent, Received Tally
}

// Summary is what a session moved: shareit prints it when it exits.
type Summary struct {
	Started, Ended time.Time
	Sent, Received Tally
	Clients        []ClientSummary // sorted by address
	Blocked        []string        // clients blocked or denied when it ended, sorted: the server's list, not the tracker's
}

// tallies is the tracker's memory of the session, guarded by its mutex.
// It grows with the client addresses seen, not with the requests.
type tallies struct {
	started time.Time
	clients map[string]*ClientSummary
}

func (ts *tallies) client(addr string) *ClientSummary {
	if ts.clients == nil {
		ts.clients = make(map[string]*ClientSummary)
	}
	c := ts.clients[addr]
	if c == nil {
		c = &ClientSummary{Addr: addr}
		ts.clients[addr] = c
	}
	return c
}

// ended counts a logical transfer that ended (s is its last snapshot).
func (ts *tallies) ended(s Snapshot) {
	c := ts.client(s.Client)
	if s.Kind == Upload {
		c.Received.add(s.Bytes, true, s.Complete)
	} else {
		c.Sent.add(s.Bytes, true, s.Complete)
	}
}

// logged counts a response body no transfer carried: a small file, a
// listing, a page. Only a file counts as one; its bytes count either way.
func (ts *tallies) logged(l *LogLine) {
	if l.Transfer != 0 || l.Bytes <= 0 {
		return
	}
	file := l.File >= 0 && (l.Status == 200 || l.Status == 206)
	ts.client(l.Client).Sent.add(l.Bytes, file, l.Status == 200 && l.Bytes == l.File)
}

// Summary returns what the session moved so far. Transfers still running
// count as cut, with the bytes they moved. Blocked is left for the caller
// to fill: the server keeps the block list.
func (t *Tracker) Summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s := Summary{Started: t.tally.started, Ended: now}
	byAddr := make(map[string]*ClientSummary, len(t.tally.clients))
	for addr, c := range t.tally.clients {
		cp := *c
		byAddr[addr] = &cp
	}
	for _, x := range t.active {
		c := byAddr[x.key.client]
		if c == nil {
			c = &ClientSummary{Addr: x.key.client}
			byAddr[x.key.client] = c
		}
		if x.key.kind == Upload {
			c.Received.add(x.bytes.Load(), true, false)
		} else {
			c.Sent.add(x.bytes.Load(), true, false)
		}
	}
	for _, c := range byAddr {
		s.Clients = append(s.Clients, *c)
		s.Sent.Files += c.Sent.Files
		s.Sent.Complete += c.Sent.Complete
		s.Sent.Bytes += c.Sent.Bytes
		s.Received.Files += c.Received.Files
		s.Received.Complete += c.Received.Complete
		s.Received.Bytes += c.Received.Bytes
	}
	slices.SortFunc(s.Clients, func(a, b ClientSummary) int { return cmp.Compare(a.Addr, b.Addr) })
	return s
}

// WriteTo writes the summary for people, a few lines:
//
//	shareit served for 1h02m03s: sent 3 files (2.58 GB: 2 complete, 1 cut), received 1 file (2 MB, complete)
//	  192.168.1.40  sent 2 files (2.5 GB, complete)
//	  10.0.0.9      sent 1 file (80 MB, cut); received 1 file (2 MB, complete)
//
// Sizes are in decimal units, as in the live view.
func (s Summary) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("shareit served for " + formatServed(s.Ended.Sub(s.Started)) + ": ")
	if s.Sent.Bytes == 0 && s.Received.Bytes == 0 && s.Sent.Files == 0 && s.Received.Files == 0 {
		b.WriteString("nothing sent or received\n")
	} else {
		b.WriteString(tallyText(s.Sent, s.Received) + "\n")
		width := 0
		for _, c := range s.Clients {
			width = max(width, len(Printable(c.Addr)))
		}
		for _, c := range s.Clients {
			addr := Printable(c.Addr)
			b.WriteString("  " + addr + strings.Repeat(" ", width-len(addr)) + "  " + tallyText(c.Sent, c.Received) + "\n")
		}
	}
	b.WriteString(blockedText(s.Blocked))
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (s Summary) String() string {
	var b strings.Builder
	s.WriteTo(&b)
	return b.String()
}

// tallyText is "sent 2 files (2.5 GB, complete); received nothing".
func tallyText(sent, received Tally) string {
	var parts []string
	if sent.Files > 0 || sent.Bytes > 0 {
		parts = append(parts, "sent "+oneWay(sent))
	}
	if received.Files > 0 || received.Bytes > 0 {
		parts = append(parts, "received "+oneWay(received))
	}
	return strings.Join(parts, "; ")
}

// oneWay is "3 files (2.58 GB: 2 complete, 1 cut)", "1 file (2 MB,
// complete)", or just the bytes when no file moved (listings only).
func oneWay(t Tally) string {
	size := FormatBytes(t.Bytes)
	if t.Files == 0 {
		return size
	}
	files := strconv.Itoa(t.Files) + " files"
	if t.Files == 1 {
		files = "1 file"
	}
	switch {
	case t.Cut() == 0 && t.Files == 1:
		return files + " (" + size + ", complete)"
	case t.Cut() == 0:
		return files + " (" + size + ", all complete)"
	case t.Complete == 0 && t.Files == 1:
		return files + " (" + size + ", cut)"
	case t.Complete == 0:
		return files + " (" + size + ", all cut)"
	}
	return fmt.Sprintf("%s (%s: %d complete, %d cut)", files, size, t.Complete, t.Cut())
}

// formatServed renders a session's length: "45s", "12m05s", "1h02m03s".
func formatServed(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm%02ds", s/3600, s%3600/60, s%60)
}

// FormatBytes renders a size for people in decimal units, as the live view
// and the rate cap do: "512 B", "2.5 MB", "1.23 GB".
func FormatBytes(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(max(n, 0), 10) + " B"
	}
	v, u := float64(n), 0
	units := [...]string{"B", "KB", "MB", "GB", "TB", "PB", "EB"}
	for (v >= 1000 || math.Round(v*100) >= 100000) && u < len(units)-1 {
		v /= 1000
		u++
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " " + units[u]
}
