package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"shareit/transfer"
)

// View draws the screen in the alternate buffer, and mirrors the overall
// download progress in the terminal's own progress indicator.
func (m Model) View() tea.View {
	v := tea.View{AltScreen: true}
	if m.width <= 0 || m.height <= 0 {
		return v
	}
	if m.lay.tooSmall {
		v.SetContent(m.tooSmallView())
		return v
	}
	if m.mode == modeCode {
		v.SetContent(lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.codeView()))
		return v
	}
	if m.mode == modeBrowse {
		v.MouseMode = tea.MouseModeCellMotion // clicks and the wheel, only while browsing
	}
	w, l := m.width, m.lay
	parts := []string{fitBlock(m.header.View(), w, l.headerH)}

	table := m.transfers.View()
	if m.showHistory {
		table = m.history.View()
	}
	if m.showMessages {
		table = m.messages.View()
	}
	if m.showLinks {
		table = m.links.View()
	}
	if m.mode == modeRemove {
		table = m.items.View()
	}
	if m.mode == modeBrowse {
		table = m.files.View()
	}
	stack := []string{
		fitBlock(table, l.mainW, l.transfersH),
		fitBlock(m.clients.View(), l.mainW, l.clientsH),
	}
	logView := fitBlock(m.log.View(), l.logW, l.logH)
	switch {
	case l.sideW > 0 && l.logBelow:
		side := fitBlock(m.urls.View(), l.sideW, l.sideH)
		sep := m.styles.Separator.Render("│")
		parts = append(parts, joinColumns(side, sep, joinBlocks(stack...)), logView)
	case l.sideW > 0:
		side := fitBlock(m.urls.View(), l.sideW, l.sideH)
		sep := m.styles.Separator.Render("│")
		parts = append(parts, joinColumns(side, sep, joinBlocks(append(stack, logView)...)))
	default:
		parts = append(parts, fitBlock(m.urls.View(), w, l.urlsH))
		parts = append(parts, stack...)
		parts = append(parts, logView)
	}
	if l.statusH > 0 {
		parts = append(parts, fitBlock(m.statusView(), w, l.statusH))
	}
	help := m.help
	if l.shortHelp {
		help.ShowAll = false
	}
	parts = append(parts, fitBlock(help.View(fittedKeys{m.keys, w}), w, l.helpH))
	v.SetContent(joinBlocks(parts...))
	v.ProgressBar = m.terminalProgress()
	return v
}

// joinBlocks stacks blocks, skipping empty ones.
func joinBlocks(blocks ...string) string {
	var b strings.Builder
	for _, s := range blocks {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

// joinColumns puts left, a separator and right side by side; left must
// already be padded to its width and both have the same height.
func joinColumns(left, sep, right string) string {
	ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		b.WriteString(sep)
		if i < len(rs) {
			b.WriteString(rs[i])
		}
	}
	return b.String()
}

func (m Model) statusView() string {
	return joinBlocks(m.askLine(), m.messageView())
}

func (m Model) messageView() string {
	st := m.styles
	switch {
	case m.mode == modeConfirmQuit:
		n := m.transfers.active()
		return st.Status.Prompt.Render(truncate(
			plural(n, "transfer is", "transfers are")+" still running. Quit anyway? (y/n)", m.width))
	case m.mode == modeFolder:
		return m.input.View()
	case m.mode == modeBrowse:
		return m.browseStatus()
	case m.mode == modePrompt:
		return m.prompt.View()
	case m.mode == modeFilter:
		return st.Status.Prompt.Render("/") + " " + truncateLeft(transfer.Printable(m.filter), max(1, m.width-4)) + "▏"
	case m.status.err:
		return st.Status.Error.Render(truncate("✗ "+transfer.Printable(m.status.text), m.width))
	case m.status.text != "":
		return st.Status.Info.Render(truncate(m.status.text, m.width))
	}
	return ""
}

func (m Model) tooSmallView() string {
	lines := []string{
		"terminal too small",
		itoa(m.width) + "×" + itoa(m.height) + ", needs " + itoa(minWidth) + "×" + itoa(minHeight),
		"q quits",
	}
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	s := m.styles.TooSmall.Render(strings.Join(lines, "\n"))
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, s)
}

// terminalProgress is the overall progress of running downloads (archives
// included, uploads not) for the terminal's progress indicator, or nil
// when none runs.
func (m Model) terminalProgress() *tea.ProgressBar {
	var done, total int64
	running, unknown := false, false
	for _, r := range m.transfers.rows {
		if r.State != transfer.Active || r.Kind == transfer.Upload {
			continue
		}
		running = true
		if r.Size < 0 {
			unknown = true
			continue
		}
		done += min(r.Bytes, r.Size)
		total += r.Size
	}
	switch {
	case !running:
		return nil
	case total == 0 && unknown:
		return tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)
	}
	pct := 0
	if total > 0 {
		pct = min(99, int(done*100/total))
	}
	state := tea.ProgressBarDefault
	if m.paused {
		state = tea.ProgressBarWarning
	}
	return tea.NewProgressBar(state, pct)
}
