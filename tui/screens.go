package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// The full screens that `v` and `f` open over the panels, for when a
// phone's camera or a person's eyes need the whole terminal. Esc closes
// them.

// qrScreen is the selected URL's code as large as the terminal allows,
// with the URL under it.
func (m Model) qrScreen() string {
	u, ok := m.urls.selected()
	if !ok {
		return m.centered([]string{"no URL to show: the share is not listening", "", "esc closes"})
	}
	link, _ := m.urls.target() // the pinned item's (b, p) on this address, or u
	foot := []string{
		"",
		m.styles.Header.Folder.Render(transfer.Printable(link)) + "  " + m.styles.Row.Muted.Render(transfer.Printable(u.Label)+urlTags(u)),
		m.styles.Row.Muted.Render("↑/↓ another URL · esc closes"),
	}
	// The standard quiet zone when it fits, a narrower one when it does not.
	if bits, err := qrBits(link); err == nil {
		for _, quiet := range []int{4, qrQuiet, 1} {
			if w, h := qrCells(len(bits), quiet); h+len(foot) <= m.height && w <= m.width {
				code := drawQR(bits, quiet)
				for i, l := range code {
					code[i] = m.styles.QR.Render(l)
				}
				return m.centered(append(code, foot...))
			}
		}
	}
	return m.centered(append([]string{
		"the code needs a larger terminal (or a smaller font)",
	}, foot...))
}

// fingerprintScreen is the TLS certificate's fingerprint in full, and how
// to check it.
func (m Model) fingerprintScreen() string {
	st := m.styles
	parts := strings.Split(m.header.fingerprint, ":")
	lines := []string{st.Header.App.Render("TLS certificate, SHA-256 fingerprint"), ""}
	// Eight bytes a line: easy to compare group by group, and it fits 60
	// columns.
	for i := 0; i < len(parts); i += 8 {
		lines = append(lines, st.Header.Folder.Render(strings.Join(parts[i:min(i+8, len(parts))], ":")))
	}
	text := "Browsers warn about this certificate because shareit made it itself. " +
		"Before going past the warning, open the certificate's details in the browser " +
		"(the padlock or \"Not secure\" by the address, then the certificate) and check " +
		"that its SHA-256 fingerprint is this one. If it differs, do not go on: " +
		"something stands between the device and this computer."
	lines = append(lines, "")
	lines = append(lines, strings.Split(ansi.Wrap(text, min(m.width-2, 64), ""), "\n")...)
	lines = append(lines, "", st.Row.Muted.Render("esc closes"))
	return m.centered(lines)
}

// centered places lines in the middle of the screen, left-aligned among
// themselves, each cut to the screen's width.
func (m Model) centered(lines []string) string {
	w := 0
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
		w = max(w, cells(lines[i]))
	}
	for i, l := range lines {
		lines[i] = padRight(l, w)
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
}
