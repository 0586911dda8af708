package tui

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// Per-client control from the clients panel: T throttle, K kick, B block,
// U unblock. The server logs each action with its time; the status line
// confirms it.

// selectedClient is the client selected in the clients panel.
func (m *Model) selectedClient() (string, bool) {
	if m.focus != panelClients || m.clients.selAddr == "" {
		return "", false
	}
	return m.clients.selAddr, true
}

// openThrottle asks for the selected client's own cap.
func (m Model) openThrottle() (Model, tea.Cmd) {
	addr, ok := m.selectedClient()
	if !ok {
		return m, nil
	}
	cur := ""
	if r := m.ctrl.ClientRate(addr); r > 0 {
		cur = transfer.FormatRate(r)
	}
	m.mode = modePrompt
	var cmd tea.Cmd
	label := "cap for " + transfer.Printable(addr) + " (e.g. 500KB/s, off): "
	m.prompt, cmd = m.prompt.open(promptThrottle, addr, label, strings.ReplaceAll(cur, " ", ""))
	return m, cmd
}

// applyThrottle sets the typed cap; a bad one keeps the prompt open.
func (m *Model) applyThrottle() {
	addr := m.prompt.about
	bps, err := transfer.ParseRate(m.prompt.value())
	if strings.TrimSpace(m.prompt.value()) == "" {
		bps, err = 0, nil
	}
	if err != nil {
		m.prompt.fail(err)
		return
	}
	m.closePrompt()
	m.ctrl.Throttle(addr, bps)
	if bps == 0 {
		m.setStatus(transfer.Printable(addr) + ": own rate cap removed")
	} else {
		m.setStatus(transfer.Printable(addr) + " throttled to " + transfer.FormatRate(bps))
	}
	m.refreshMarks()
}

func (m *Model) kickSelected() {
	addr, ok := m.selectedClient()
	if !ok {
		return
	}
	n := m.ctrl.Kick(addr)
	m.setStatus("kicked " + transfer.Printable(addr) + ": " + plural(n, "transfer", "transfers") + " stopped")
}

func (m *Model) blockSelected() {
	addr, ok := m.selectedClient()
	if !ok {
		return
	}
	if err := m.ctrl.Block(addr); err != nil {
		m.setError(errors.New("could not block " + addr + ": " + err.Error()))
		return
	}
	m.setStatus("blocked " + transfer.Printable(addr) + ": its requests get 403 from now on")
	m.refreshMarks()
}

func (m *Model) unblockSelected() {
	addr, ok := m.selectedClient()
	if !ok {
		return
	}
	if m.ctrl.Unblock(addr) {
		m.setStatus("unblocked " + transfer.Printable(addr))
	} else {
		m.setStatus(transfer.Printable(addr) + " was not blocked")
	}
	m.refreshMarks()
}

// refreshMarks reads who is blocked or capped, for the clients panel.
func (m *Model) refreshMarks() {
	marks := map[string]string{}
	blocked := m.ctrl.Blocked()
	for _, b := range blocked {
		marks[b] = "blocked"
	}
	for _, r := range m.clients.rows {
		if marks[r.Addr] != "" {
			continue
		}
		if bps := m.ctrl.ClientRate(r.Addr); bps > 0 {
			marks[r.Addr] = "≤" + transfer.FormatRate(bps)
		}
	}
	m.clients.setMarks(marks, blocked)
}
