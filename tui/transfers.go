package tui

import (
	"math"
	"net"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// linger is how long a finished, failed or cancelled transfer stays in the
// list, so people see how it ended.
const linger = 8 * time.Second

// transferRow is one logical transfer as the table shows it.
type transferRow struct {
	transfer.Snapshot
	endedAt time.Time // by the model's clock; zero while active
}

// transfersView is the table of transfers: the active ones from the newest
// progress frame, and the ones that ended in the last few seconds.
type transfersView struct {
	st   *Styles
	keys keyMap
	bar  progress.Model

	rows  []transferRow       // sorted by ID
	ended map[uint64]struct{} // IDs seen ending; frames never revive them
	selID uint64
	off   int // first visible row

	// endedCount is every transfer that ended this session, by state (the
	// history's): the title counts them all, not the rows still shown.
	endedCount [4]int

	w, h    int
	focused bool
	paused  bool // show speeds as 0
}

func newTransfersView(st *Styles, keys keyMap) transfersView {
	return transfersView{
		st:    st,
		keys:  keys,
		bar:   newBar(st),
		ended: make(map[uint64]struct{}),
	}
}

// newBar is a progress bar rendered statically with ViewAs: one model
// draws every row, nothing animates.
func newBar(st *Styles) progress.Model {
	b := progress.New(
		progress.WithoutPercentage(),
		progress.WithColors(st.Bar.Full),
		progress.WithFillCharacters(progress.DefaultFullCharFullBlock, progress.DefaultEmptyCharBlock),
	)
	b.EmptyColor = st.Bar.Empty
	return b
}

// SetSize sets the panel's size, title line included.
func (t *transfersView) SetSize(w, h int) {
	t.w, t.h = w, h
	t.off = scrollTo(t.off, t.selIndex(), t.visibleRows(), len(t.rows))
}

func (t transfersView) visibleRows() int { return max(0, t.h-1) }

// started adds a transfer that began, and reports whether it is new.
func (t *transfersView) started(s transfer.Snapshot) bool {
	if _, gone := t.ended[s.ID]; gone {
		return false
	}
	t.put(transferRow{Snapshot: s})
	return true
}

// finished marks a transfer as ended (finished, failed or cancelled). Its
// numbers are the event's: the bytes it really moved.
func (t *transfersView) finished(s transfer.Snapshot, now time.Time) {
	t.ended[s.ID] = struct{}{}
	s.Speed = 0
	t.put(transferRow{Snapshot: s, endedAt: now})
}

// put inserts r or replaces the row with its ID.
func (t *transfersView) put(r transferRow) {
	i, found := slices.BinarySearchFunc(t.rows, r.ID, func(r transferRow, id uint64) int {
		return cmpID(r.ID, id)
	})
	if found {
		t.rows[i] = r
	} else {
		t.rows = slices.Insert(t.rows, i, r)
	}
	if t.selID == 0 {
		t.selID = r.ID
	}
	t.clampSel()
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// setFrame replaces the active rows with the frame's, keeping the rows that
// ended recently. Frames list only active transfers; one that already ended
// is never shown as active again.
func (t *transfersView) setFrame(p *transfer.Progress) {
	rows := make([]transferRow, 0, len(p.Transfers)+len(t.ended))
	inFrame := make(map[uint64]struct{}, len(p.Transfers))
	for _, s := range p.Transfers {
		inFrame[s.ID] = struct{}{}
		if _, gone := t.ended[s.ID]; gone {
			continue
		}
		rows = append(rows, transferRow{Snapshot: s})
	}
	for _, r := range t.rows {
		if !r.endedAt.IsZero() {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b transferRow) int { return cmpID(a.ID, b.ID) })
	t.rows = rows
	// An ended ID absent from this frame is absent from every later one:
	// forget it once its row is gone too.
	for id := range t.ended {
		if _, ok := inFrame[id]; !ok && t.index(id) < 0 {
			delete(t.ended, id)
		}
	}
	t.clampSel()
}

// prune drops ended rows older than linger. It reports whether any went.
func (t *transfersView) prune(now time.Time) bool {
	n := len(t.rows)
	t.rows = slices.DeleteFunc(t.rows, func(r transferRow) bool {
		return !r.endedAt.IsZero() && now.Sub(r.endedAt) >= linger
	})
	if len(t.rows) == n {
		return false
	}
	t.clampSel()
	return true
}

// active counts the transfers still running.
func (t transfersView) active() int {
	n := 0
	for _, r := range t.rows {
		if r.State == transfer.Active {
			n++
		}
	}
	return n
}

func (t transfersView) index(id uint64) int {
	for i, r := range t.rows {
		if r.ID == id {
			return i
		}
	}
	return -1
}

func (t transfersView) selIndex() int { return max(0, t.index(t.selID)) }

// selected returns the selected row, if there is one.
func (t transfersView) selected() (transferRow, bool) {
	if i := t.index(t.selID); i >= 0 {
		return t.rows[i], true
	}
	return transferRow{}, false
}

// clampSel keeps a selection when rows come and go: a vanished row passes
// the selection to the row that took its place.
func (t *transfersView) clampSel() {
	if len(t.rows) == 0 {
		t.selID, t.off = 0, 0
		return
	}
	if t.index(t.selID) >= 0 {
		t.off = scrollTo(t.off, t.selIndex(), t.visibleRows(), len(t.rows))
		return
	}
	i, _ := slices.BinarySearchFunc(t.rows, t.selID, func(r transferRow, id uint64) int {
		return cmpID(r.ID, id)
	})
	t.selID = t.rows[min(i, len(t.rows)-1)].ID
	t.off = scrollTo(t.off, t.selIndex(), t.visibleRows(), len(t.rows))
}

func (t *transfersView) move(delta int) {
	if len(t.rows) == 0 {
		return
	}
	i := max(0, min(len(t.rows)-1, t.selIndex()+delta))
	t.selID = t.rows[i].ID
	t.off = scrollTo(t.off, i, t.visibleRows(), len(t.rows))
}

// Update moves the selection.
func (t transfersView) Update(msg tea.Msg) (transfersView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if d, ok := moveBy(k, t.keys, t.visibleRows(), len(t.rows)); ok {
			t.move(d)
		}
	}
	return t, nil
}

// progressWidth is the widest formatProgress of a transfer of size bytes:
// the bytes grow up to the total, in a field of fixed width.
func progressWidth(size int64) int {
	if size < 0 {
		return len("99.9 MB")
	}
	return len(formatProgress(0, size))
}

// transferCols are the widths of a row's columns; bar is 0 when there is
// no room for one.
type transferCols struct {
	client, file, bar, bytes int
	kind, eta                bool
}

const (
	kindW  = 3
	pctW   = 4
	speedW = 10 // also holds how an ended transfer ended: "cancelled"
	etaW   = 6  // "12m05s", "paused"
)

// clientLabels names each row's client: its address, with the port when
// the same client has another row for the same path and kind (two
// downloads of one file), so that the two can be told apart.
func clientLabels(rows []transferRow) map[uint64]string {
	type same struct {
		client, path string
		kind         transfer.Kind
	}
	n := make(map[same]int, len(rows))
	for _, r := range rows {
		n[same{r.Client, r.Path, r.Kind}]++
	}
	labels := make(map[uint64]string, len(rows))
	for _, r := range rows {
		label := transfer.Printable(r.Client)
		if n[same{r.Client, r.Path, r.Kind}] > 1 && r.Port > 0 {
			label = transfer.Printable(net.JoinHostPort(r.Client, itoa(r.Port)))
		}
		labels[r.ID] = label
	}
	return labels
}

func (t transfersView) cols(rows []transferRow, labels map[uint64]string) transferCols {
	c := transferCols{client: 7, bytes: 5}
	maxClient := 15
	if t.w >= 120 {
		maxClient = 24
	}
	// Every row is measured, not only the visible ones, and a row's bytes
	// keep their width as they grow (formatProgress): the columns stay
	// where they are from frame to frame and as the list scrolls.
	lastSize := int64(-2) // rows mostly share a size: measure each once
	for _, r := range rows {
		c.client = max(c.client, min(maxClient, cells(labels[r.ID])))
		if r.Size != lastSize {
			c.bytes = max(c.bytes, progressWidth(r.Size))
			lastSize = r.Size
		}
	}
	// What is left after the fixed columns goes to the file name and the
	// bar. In a narrow panel the bar goes first, then the kind, then the
	// ETA; how a transfer ended stays, in the speed column.
	const minFile = 12
	rest := t.w - (2 + c.client + 1 + 1 + pctW + 1 + c.bytes + 1 + speedW)
	c.kind, c.eta = true, true
	rest -= kindW + 1 + etaW + 1
	if rest < minFile {
		c.kind = false
		rest += kindW + 1
	}
	if rest < minFile {
		c.eta = false
		rest += etaW + 1
	}
	if rest >= minFile+1+6 {
		c.bar = min(24, max(6, rest/3))
		c.file = rest - c.bar - 1
	} else {
		c.file = max(1, rest)
	}
	return c
}

func kindLabel(k transfer.Kind) string {
	switch k {
	case transfer.Archive:
		return "dir"
	case transfer.Upload:
		return "put"
	default:
		return "get"
	}
}

// View renders the title and the visible rows.
func (t transfersView) View() string {
	if t.h <= 0 || t.w <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(titleLine(t.st, t.w, t.focused, "Transfers", t.summary()))
	n := t.visibleRows()
	if len(t.rows) == 0 {
		empty := "no transfers yet"
		if ended := t.endedCount[transfer.Finished] + t.endedCount[transfer.Failed] + t.endedCount[transfer.Cancelled]; ended > 0 {
			empty = "none running · h shows the " + plural(ended, "transfer", "transfers") + " that ended"
		}
		if n > 0 {
			b.WriteString("\n  " + t.st.Panel.Empty.Render(truncate(empty, t.w-2)))
		}
		return b.String()
	}
	off := max(0, min(t.off, len(t.rows)-n))
	vis := t.rows[off:min(len(t.rows), off+n)]
	labels := clientLabels(t.rows)
	c := t.cols(t.rows, labels)
	for _, r := range vis {
		b.WriteByte('\n')
		b.WriteString(t.rowView(r, c, labels[r.ID]))
	}
	return b.String()
}

func (t transfersView) summary() string {
	count := t.endedCount // by transfer.State, since the session began
	count[transfer.Active] = t.active()
	var parts []string
	if n := t.visibleRows(); len(t.rows) > n && n > 0 {
		parts = append(parts, itoa(t.selIndex()+1)+"/"+itoa(len(t.rows)))
	}
	parts = append(parts, itoa(count[transfer.Active])+" running")
	ended := 0
	for _, s := range []transfer.State{transfer.Finished, transfer.Failed, transfer.Cancelled} {
		if count[s] > 0 {
			parts = append(parts, itoa(count[s])+" "+s.String())
			ended += count[s]
		}
	}
	if ended > 0 {
		parts = append(parts, "h history")
	}
	return strings.Join(parts, " · ")
}

func (t transfersView) rowView(r transferRow, c transferCols, client string) string {
	st := t.st
	selected := r.ID == t.selID
	frac := r.Fraction()
	finished := r.State == transfer.Finished
	ended := r.State != transfer.Active

	var b strings.Builder
	b.WriteString(cursorMark(st, selected, t.focused))
	b.WriteString(fitCell(client, c.client))
	b.WriteByte(' ')
	if c.kind {
		b.WriteString(st.Row.Muted.Render(kindLabel(r.Kind)))
		b.WriteByte(' ')
	}
	file := fitCell(transfer.Printable(r.Path), c.file)
	if r.Parts > 1 {
		// A download manager's parallel ranges, merged into this row: the
		// count stays in sight however the name is cut.
		parts := " ×" + itoa(r.Parts) + " parts"
		file = fitCell(truncate(transfer.Printable(r.Path), max(1, c.file-cells(parts)))+parts, c.file)
	}
	if ended {
		file = st.Row.Muted.Render(file)
	}
	b.WriteString(file)
	b.WriteByte(' ')
	if c.bar > 0 {
		b.WriteString(t.barView(frac, c.bar, r.State))
		b.WriteByte(' ')
	}
	b.WriteString(padLeft(formatPercent(frac, finished), pctW))
	b.WriteByte(' ')
	b.WriteString(padLeft(formatProgress(r.Bytes, r.Size), c.bytes))
	b.WriteByte(' ')

	speed, eta := formatSpeed(r.Speed), formatETA(r.ETA())
	speedStyle, etaStyle := st.Row.Plain, st.Row.Muted
	switch {
	case r.State == transfer.Finished:
		// An upload's digest begins where the time left was: enough to
		// compare by eye with the sender's sha256sum.
		speed, speedStyle, eta = "done", st.State.Finished, r.Sum[:min(len(r.Sum), etaW)]
	case r.State == transfer.Failed:
		speed, speedStyle, eta = "failed", st.State.Failed, ""
	case r.State == transfer.Cancelled:
		speed, speedStyle, eta = "cancelled", st.State.Cancelled, ""
	case t.paused:
		speed, eta, etaStyle = formatSpeed(0), "paused", st.State.Paused
	case r.Stalled:
		// No byte for seconds: a speed or a time left would be a guess.
		speed, speedStyle, eta = "stalled", st.State.Paused, "--"
	}
	b.WriteString(speedStyle.Render(padLeft(speed, speedW)))
	if c.eta {
		b.WriteByte(' ')
		b.WriteString(etaStyle.Render(padLeft(eta, etaW)))
	}
	return b.String()
}

// barView draws a bar w cells wide. Only a finished transfer may fill it:
// anything else rounds down, so 99.9% never looks done.
func (t transfersView) barView(frac float64, w int, state transfer.State) string {
	bar := t.bar
	bar.SetWidth(w)
	switch state {
	case transfer.Finished:
		bar.FullColor = t.st.Bar.Finished
		return bar.ViewAs(1)
	case transfer.Failed, transfer.Cancelled:
		bar.FullColor = t.st.Bar.Failed
	}
	return bar.ViewAs(floorFrac(frac, w))
}

// floorFrac rounds f down to whole cells of a w-cell bar, and below full.
func floorFrac(f float64, w int) float64 {
	if f <= 0 || w <= 0 {
		return 0
	}
	cells := min(math.Floor(f*float64(w)), float64(w-1))
	return cells / float64(w)
}

// click selects the row shown on line row under the title (0 is the first).
func (t *transfersView) click(row int) {
	n := t.visibleRows()
	off := max(0, min(t.off, len(t.rows)-n))
	if i := off + row; row >= 0 && row < n && i < len(t.rows) {
		t.selID = t.rows[i].ID
	}
}
