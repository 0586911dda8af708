package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// clientsView is one row per client address, from the newest progress
// frame: its active transfers, bytes moved, speed and overall progress.
type clientsView struct {
	st   *Styles
	keys keyMap
	bar  progress.Model

	rows    []transfer.ClientStats // sorted by address, as the frame has them
	frame   []transfer.ClientStats // the newest frame's clients
	marks   map[string]string      // "blocked", "≤1 MB/s": what was decided about a client
	blocked []string               // listed even when the tracker no longer lists them
	selAddr string
	off     int

	w, h    int
	focused bool
	paused  bool
	// hint replaces "no clients yet" when no other device came for a
	// while (Model.checkReach).
	hint string
}

func newClientsView(st *Styles, keys keyMap) clientsView {
	return clientsView{st: st, keys: keys, bar: newBar(st)}
}

// SetSize sets the panel's size, title line included.
func (c *clientsView) SetSize(w, h int) {
	c.w, c.h = w, h
	c.off = scrollTo(c.off, c.selIndex(), c.visibleRows(), len(c.rows))
}

func (c clientsView) visibleRows() int { return max(0, c.h-1) }

// setFrame takes the frame's clients.
func (c *clientsView) setFrame(p *transfer.Progress) {
	c.frame = p.Clients
	c.merge()
}

// setMarks takes what was decided about clients; blocked ones stay listed
// so that they can be unblocked.
func (c *clientsView) setMarks(marks map[string]string, blocked []string) {
	c.marks, c.blocked = marks, blocked
	c.merge()
}

// merge makes the rows: the frame's clients and the blocked ones.
func (c *clientsView) merge() {
	c.rows = c.frame
	for _, b := range c.blocked {
		if !slices.ContainsFunc(c.rows, func(r transfer.ClientStats) bool { return r.Addr == b }) {
			c.rows = append(slices.Clip(c.rows), transfer.ClientStats{Addr: b})
		}
	}
	if len(c.rows) != len(c.frame) {
		slices.SortFunc(c.rows, func(a, b transfer.ClientStats) int { return strings.Compare(a.Addr, b.Addr) })
	}
	if c.index(c.selAddr) < 0 {
		c.selAddr = ""
		if len(c.rows) > 0 {
			c.selAddr = c.rows[0].Addr
		}
	}
	c.off = scrollTo(c.off, c.selIndex(), c.visibleRows(), len(c.rows))
}

func (c clientsView) index(addr string) int {
	for i, r := range c.rows {
		if r.Addr == addr {
			return i
		}
	}
	return -1
}

func (c clientsView) selIndex() int { return max(0, c.index(c.selAddr)) }

func (c *clientsView) move(delta int) {
	if len(c.rows) == 0 {
		return
	}
	i := max(0, min(len(c.rows)-1, c.selIndex()+delta))
	c.selAddr = c.rows[i].Addr
	c.off = scrollTo(c.off, i, c.visibleRows(), len(c.rows))
}

// Update moves the selection.
func (c clientsView) Update(msg tea.Msg) (clientsView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if d, ok := moveBy(k, c.keys, c.visibleRows(), len(c.rows)); ok {
			c.move(d)
		}
	}
	return c, nil
}

// View renders the title and the visible rows.
func (c clientsView) View() string {
	if c.h <= 0 || c.w <= 0 {
		return ""
	}
	var b strings.Builder
	active := 0
	for _, r := range c.rows {
		if r.Active > 0 {
			active++
		}
	}
	summary := plural(len(c.rows), "client", "clients")
	if n := c.visibleRows(); len(c.rows) > n && n > 0 {
		summary = itoa(c.selIndex()+1) + "/" + summary
	}
	if len(c.rows) > 0 {
		summary += " · " + itoa(active) + " active"
	}
	b.WriteString(titleLine(c.st, c.w, c.focused, "Clients", summary))
	n := c.visibleRows()
	if len(c.rows) == 0 {
		if n > 0 {
			empty := "no clients yet"
			if c.hint != "" {
				empty = c.hint
			}
			b.WriteString("\n  " + c.st.Panel.Empty.Render(truncate(empty, c.w-2)))
		}
		return b.String()
	}
	off := max(0, min(c.off, len(c.rows)-n))
	vis := c.rows[off:min(len(c.rows), off+n)]

	const activeW, bytesW = 9, 13 // "12 active", "1023 MiB sent"
	addrW, markW := 7, 0
	for _, r := range vis {
		addrW = max(addrW, min(39, cells(transfer.Printable(r.Addr))))
		if m := c.marks[r.Addr]; m != "" {
			markW = max(markW, cells(m)+1)
		}
	}
	barW := c.w - (2 + addrW + markW + 1 + activeW + 1 + bytesW + 1 + speedW + 1 + 1 + pctW)
	barW = min(barW, 30)
	for _, r := range vis {
		b.WriteByte('\n')
		b.WriteString(cursorMark(c.st, r.Addr == c.selAddr, c.focused))
		b.WriteString(fitCell(transfer.Printable(r.Addr), addrW))
		if markW > 0 {
			b.WriteString(fitCell(" "+c.marks[r.Addr], markW))
		}
		b.WriteByte(' ')
		count := "idle"
		if r.Active > 0 {
			count = itoa(r.Active) + " active"
		}
		b.WriteString(padLeft(count, activeW))
		b.WriteByte(' ')
		b.WriteString(padLeft(formatBytes(r.Bytes)+" sent", bytesW))
		b.WriteByte(' ')
		speed := r.Speed
		if c.paused || r.Active == 0 {
			// The tracker's average decays after a client's last transfer
			// and frames stop soon after: idle means 0, not a stale value.
			speed = 0
		}
		b.WriteString(padLeft(formatSpeed(speed), speedW))
		frac := r.Fraction()
		if frac < 0 {
			continue
		}
		b.WriteByte(' ')
		if barW >= 6 {
			bar := c.bar
			bar.SetWidth(barW)
			b.WriteString(bar.ViewAs(floorFrac(frac, barW)))
			b.WriteByte(' ')
		}
		// A client's active transfers are unfinished by definition.
		b.WriteString(padLeft(formatPercent(frac, false), pctW))
	}
	return b.String()
}

// click selects the client shown on line row under the title (0 is the first).
func (c *clientsView) click(row int) {
	n := c.visibleRows()
	off := max(0, min(c.off, len(c.rows)-n))
	if i := off + row; row >= 0 && row < n && i < len(c.rows) {
		c.selAddr = c.rows[i].Addr
	}
}
