package tui

import tea "charm.land/bubbletea/v2"

// panelAt names the panel under cell (x, y) of the screen and the line of
// it (0 is its title), from the layout the last frame was drawn with.
func (m Model) panelAt(x, y int) (p panel, line int, ok bool) {
	l := m.lay
	if l.tooSmall {
		return 0, 0, false
	}
	y -= l.headerH
	type band struct {
		p panel
		h int
	}
	// in finds y among panels stacked from the top of their column.
	in := func(y int, bands ...band) (panel, int, bool) {
		for _, b := range bands {
			if y >= 0 && y < b.h {
				return b.p, y, true
			}
			y -= b.h
		}
		return 0, 0, false
	}
	stack := []band{{panelTransfers, l.transfersH}, {panelClients, l.clientsH}}
	switch {
	case y < 0 || y >= l.bodyH:
		return 0, 0, false
	case l.sideW == 0:
		return in(y, append([]band{{panelURLs, l.urlsH}}, append(stack, band{panelLog, l.logH})...)...)
	case l.logBelow && y >= l.sideH:
		return in(y-l.sideH, band{panelLog, l.logH})
	case x < l.sideW:
		return in(y, band{panelURLs, l.sideH})
	case x == l.sideW:
		return 0, 0, false // the separator
	case l.logBelow:
		return in(y, stack...)
	}
	return in(y, append(stack, band{panelLog, l.logH})...)
}

// handleMouse focuses and selects what a click hits, and scrolls the panel
// under the pointer with the wheel. Only the main screen takes the mouse:
// a dialog or an input keeps the keyboard's attention.
func (m Model) handleMouse(msg tea.MouseMsg) (Model, tea.Cmd) {
	if m.mode == modeBrowse {
		return m.handleBrowseMouse(msg), nil
	}
	if m.mode != modeMain {
		return m, nil
	}
	mouse := msg.Mouse()
	p, line, ok := m.panelAt(mouse.X, mouse.Y)
	if !ok {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return m, nil
		}
		m.focus = p
		if line == 0 {
			return m, nil // the title: focus only
		}
		switch p {
		case panelURLs:
			m.urls.click(line - 1)
		case panelTransfers:
			switch {
			case m.showLinks:
				m.links.click(line-1, len(m.links.rows))
				m.refreshLinks()
			case m.showMessages:
				m.messages.click(line-1, len(m.messages.rows))
			case m.showHistory:
				m.history.click(line-1, len(m.history.rows))
			default:
				m.transfers.click(line - 1)
			}
		case panelClients:
			m.clients.click(line - 1)
		}
	case tea.MouseWheelMsg:
		code := tea.KeyDown
		switch msg.Button {
		case tea.MouseWheelUp:
			code = tea.KeyUp
		case tea.MouseWheelDown:
		default:
			return m, nil
		}
		// The wheel moves the panel under the pointer as the arrow keys
		// move the focused one, without taking the focus.
		m, _ = m.panelKey(p, tea.KeyPressMsg{Code: code})
	}
	return m, nil
}

// panelKey hands a key to panel p.
func (m Model) panelKey(p panel, k tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch p {
	case panelURLs:
		m.urls, cmd = m.urls.Update(k)
	case panelTransfers:
		switch {
		case m.showLinks:
			m.links, cmd = m.links.Update(k)
			m.refreshLinks()
		case m.showMessages:
			m.messages, cmd = m.messages.Update(k)
		case m.showHistory:
			m.history, cmd = m.history.Update(k)
		default:
			m.transfers, cmd = m.transfers.Update(k)
		}
	case panelClients:
		m.clients, cmd = m.clients.Update(k)
	case panelLog:
		m.log, cmd = m.log.Update(k)
	}
	return m, cmd
}
