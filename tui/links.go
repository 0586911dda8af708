package tui

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// Limited links: L shows the links made, in the transfers' place, with how
// much each was used; n makes one (a path, then its limits), x revokes the
// selected one. The URL panel shows the selected link and its QR code.

// Link is one limited link (the Controller's NewLink, Links).
type Link struct {
	Token   string // its credential, to revoke it
	Path    string // what it reaches: "/docs/a.pdf", "/photos/"
	URL     string
	Max     int // downloads allowed; 0 = any number
	Uses    int
	Expires time.Time // zero: never
	State   string    // "live", "used up", "expired", "revoked", "removed" (no longer shared)
}

// linksView lists the links, the newest first.
type linksView struct {
	st   *Styles
	keys keyMap

	rows []Link // oldest first, as the controller has them
	newestFirst

	w       int
	focused bool
}

func newLinksView(st *Styles, keys keyMap) linksView { return linksView{st: st, keys: keys} }

func (v *linksView) SetSize(w, h int) {
	v.w = w
	v.resize(h, len(v.rows))
}

func (v *linksView) setLinks(rows []Link) {
	v.rows = rows
	v.sel = max(0, min(v.sel, len(rows)-1))
	v.off = scrollTo(v.off, v.sel, v.visibleRows(), len(v.rows))
}

func (v linksView) at(i int) Link { return v.rows[len(v.rows)-1-i] }

// selected is the link selected, if any.
func (v linksView) selected() (Link, bool) {
	if len(v.rows) == 0 {
		return Link{}, false
	}
	return v.at(v.sel), true
}

// Update moves the selection.
func (v linksView) Update(msg tea.Msg) (linksView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		v.move(k, v.keys, len(v.rows))
	}
	return v, nil
}

// uses is "1/3 downloads", "2 downloads".
func uses(l Link) string {
	if l.Max > 0 {
		return itoa(l.Uses) + "/" + itoa(l.Max) + " downloads"
	}
	return plural(l.Uses, "download", "downloads")
}

func (v linksView) View() string {
	if v.h <= 0 || v.w <= 0 {
		return ""
	}
	var b strings.Builder
	live := 0
	for _, l := range v.rows {
		if l.State == "live" {
			live++
		}
	}
	b.WriteString(titleLine(v.st, v.w, v.focused, "Links", itoa(live)+" live · n new · x revoke · L back"))
	n := v.visibleRows()
	if len(v.rows) == 0 {
		if n > 0 {
			b.WriteString("\n  " + v.st.Panel.Empty.Render(truncate("no links yet · n makes one to a file or folder", v.w-2)))
		}
		return b.String()
	}
	off := max(0, min(v.off, len(v.rows)-n))
	const usesW, untilW, stateW = 16, 14, 7
	pathW := max(1, v.w-(2+1+usesW+1+untilW+1+stateW))
	for i := off; i < min(len(v.rows), off+n); i++ {
		l := v.at(i)
		b.WriteByte('\n')
		b.WriteString(cursorMark(v.st, i == v.sel, v.focused))
		b.WriteString(fitCell(transfer.Printable(l.Path), pathW) + " ")
		b.WriteString(padLeft(uses(l), usesW) + " ")
		until := "no end"
		if !l.Expires.IsZero() {
			until = "until " + l.Expires.Format("15:04:05")
		}
		b.WriteString(v.st.Row.Muted.Render(padLeft(until, untilW)) + " ")
		st := v.st.State.Finished
		if l.State != "live" {
			st = v.st.Row.Muted
		}
		b.WriteString(st.Render(padLeft(l.State, stateW)))
	}
	return b.String()
}

// parseLimits reads a link's limits: a number of downloads and/or a time,
// in either order: "1", "1 download", "1h", "1 hour", "3 2h", "90m 5
// downloads"; "" is no limit.
func parseLimits(s string) (downloads int, ttl time.Duration, err error) {
	f := strings.Fields(strings.ToLower(s))
	for i := 0; i < len(f); i++ {
		word := f[i]
		next := ""
		if i+1 < len(f) {
			next = f[i+1]
		}
		if n, err := strconv.Atoi(word); err == nil && n > 0 {
			if unit, ok := timeUnits[strings.TrimSuffix(next, "s")]; ok {
				ttl, i = time.Duration(n)*unit, i+1
				continue
			}
			if strings.HasPrefix(next, "download") {
				i++
			}
			downloads = n
			continue
		}
		if strings.HasSuffix(word, "d") {
			if n, err := strconv.Atoi(strings.TrimSuffix(word, "d")); err == nil && n > 0 {
				ttl = time.Duration(n) * 24 * time.Hour
				continue
			}
		}
		if d, err := time.ParseDuration(word); err == nil && d > 0 {
			ttl = d
			continue
		}
		return 0, 0, errors.New("want a number of downloads and/or a time, such as 1, 1h, 3 2h or 30 minutes")
	}
	return downloads, ttl, nil
}

var timeUnits = map[string]time.Duration{
	"minute": time.Minute, "min": time.Minute, "hour": time.Hour, "day": 24 * time.Hour,
}

// openLinkPath asks for the file or folder a new link reaches.
func (m Model) openLinkPath() (Model, tea.Cmd) {
	m.mode = modePrompt
	var cmd tea.Cmd
	_, first := m.linkBase()
	m.prompt, cmd = m.prompt.open(promptLinkPath, "", "link to: ", first)
	return m, cmd
}

// linkBase is the folder a typed link path starts from, and the path the
// prompt offers first: the folder shared alone; else the folder shareit
// was started in (as on its command line), offering the first shared
// path (a file alone: that file); a text offers nothing.
func (m Model) linkBase() (base, first string) {
	sep := string(filepath.Separator)
	if m.sharer() != nil && len(m.shared) == 0 {
		return workDir(), ""
	}
	if len(m.shared) > 1 || len(m.shared) == 1 && !m.shared[0].Dir {
		first = m.shared[0].Path
		if m.shared[0].Dir {
			first += sep
		}
		return workDir(), first
	}
	return m.root, m.root + sep
}

// applyLinkPath takes the path and asks for the limits.
func (m Model) applyLinkPath() (Model, tea.Cmd) {
	v := strings.TrimSpace(m.prompt.value())
	if v == "" {
		m.prompt.fail(errors.New("type a file or folder in the shared folder"))
		return m, nil
	}
	var cmd tea.Cmd
	base, _ := m.linkBase()
	m.prompt, cmd = m.prompt.open(promptLinkLimit, resolveDir(v, base), limitsLabel, "1")
	return m, cmd
}

const limitsLabel = "limits (1 = one download, 1h = one hour, 3 2h = both; empty = none): "

// applyLinkLimit makes the link; a refused one keeps the prompt open.
func (m *Model) applyLinkLimit() {
	n, ttl, err := parseLimits(m.prompt.value())
	if err != nil {
		m.prompt.fail(err)
		return
	}
	var l Link
	if b := m.browser(); m.prompt.what == promptLinkLimitAt && b != nil {
		l, err = b.LinkAt(m.prompt.about, n, ttl)
	} else {
		l, err = m.ctrl.NewLink(m.prompt.about, n, ttl)
	}
	if err != nil {
		m.prompt.fail(err)
		return
	}
	m.closePrompt()
	m.showLinks, m.showHistory, m.focus = true, false, panelTransfers
	m.refreshLinks()
	m.links.sel = 0 // the newest: this one
	m.setStatus("link to " + transfer.Printable(l.Path) + ": " + transfer.Printable(l.URL))
}

// revokeSelected ends the selected link.
func (m *Model) revokeSelected() {
	l, ok := m.links.selected()
	if !ok {
		return
	}
	if m.ctrl.RevokeLink(l.Token) {
		m.setStatus("revoked the link to " + transfer.Printable(l.Path))
	} else {
		m.setStatus("the link to " + transfer.Printable(l.Path) + " had already ended")
	}
	m.refreshLinks()
}

// refreshLinks reads the links, and shows the selected one in the URL
// panel while the list is open (the browser, over it, shows the share's).
func (m *Model) refreshLinks() {
	m.links.setLinks(m.ctrl.Links())
	browsing := m.mode == modeBrowse
	if l, ok := m.links.selected(); ok && m.showLinks && !browsing {
		m.urls.setURLs([]URL{{Label: "link", URL: l.URL}})
		m.urls.setPath("") // a link is whole: no pinned path goes after it
		return
	}
	m.urls.setURLs(m.ctrl.URLs())
	if !browsing {
		m.urls.setPath(m.pinned)
	}
}
