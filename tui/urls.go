package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// urlsView lists the addresses the share answers on and shows the selected
// one as a QR code when there is room.
type urlsView struct {
	st   *Styles
	keys keyMap
	urls []URL
	sel  int

	qr    []string // the selected URL's code, styled; nil if none
	qrFor string
	// path is the escaped URL path of the shared item the code points at
	// (pinned from the browser, or the one being looked at); "" for the
	// share's own URL.
	path string

	w, h    int
	focused bool
	showQR  bool
	beside  bool // the code sits right of the list rather than below it
}

func newURLsView(st *Styles, keys keyMap) urlsView {
	return urlsView{st: st, keys: keys}
}

// setURLs takes the controller's URLs; the code is redrawn only when the
// selected URL changed. The selection follows its URL as the list changes
// with the network; at first, or when the selected URL went away, it goes
// to the URL on the default route, the best bet for a phone.
func (u *urlsView) setURLs(urls []URL) {
	if slices.Equal(u.urls, urls) {
		return
	}
	was, had := u.selected()
	u.urls = slices.Clone(urls)
	u.sel = slices.IndexFunc(u.urls, func(x URL) bool { return had && x.URL == was.URL })
	if u.sel < 0 {
		u.sel = max(0, slices.IndexFunc(u.urls, func(x URL) bool { return x.Route }))
	}
	u.updateQR()
}

func (u *urlsView) updateQR() {
	target, ok := u.target()
	if !ok {
		u.qr, u.qrFor = nil, ""
		return
	}
	if target == u.qrFor {
		return
	}
	u.qrFor = target
	u.qr = nil
	lines, err := renderQR(target, qrQuiet)
	if err != nil {
		return
	}
	// Styled once here, not on every frame.
	u.qr = make([]string, len(lines))
	for i, l := range lines {
		u.qr[i] = u.st.QR.Render(l)
	}
}

// restyle redraws the code after the styles changed.
func (u *urlsView) restyle() {
	u.qrFor = ""
	u.updateQR()
}

// target is what the code holds and `c` copies: the selected URL, or the
// item at path on its host.
func (u urlsView) target() (string, bool) {
	url, ok := u.selected()
	if !ok || u.path == "" {
		return url.URL, ok
	}
	return origin(url.URL) + u.path, true
}

// setPath points the code at the item at the escaped URL path p ("" for
// the share itself).
func (u *urlsView) setPath(p string) {
	u.path = p
	u.updateQR()
}

// origin is "scheme://host:port" of an absolute URL, with its secret
// link's "/~s/TOKEN" when it has one (--secret): a path after it is a link
// another device, without the cookie, gets in by.
func origin(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	j := strings.IndexByte(u[i+3:], '/')
	if j < 0 {
		return u
	}
	o := u[:i+3+j]
	if tok, ok := strings.CutPrefix(u[len(o):], "/~s/"); ok {
		tok, _, _ = strings.Cut(tok, "/")
		return o + "/~s/" + tok
	}
	return o
}

// selected returns the selected URL, if there is one.
func (u urlsView) selected() (URL, bool) {
	if u.sel < 0 || u.sel >= len(u.urls) {
		return URL{}, false
	}
	return u.urls[u.sel], true
}

// qrSize is the code's size in cells, 0x0 when there is none.
func (u urlsView) qrSize() (w, h int) {
	if len(u.qr) == 0 {
		return 0, 0
	}
	return cells(u.qr[0]), len(u.qr)
}

func (u urlsView) labelWidth() int {
	w := 0
	for _, x := range u.urls {
		w = max(w, cells(transfer.Printable(x.Label)))
	}
	return min(w, 16)
}

// listWidth is how wide the list wants to be, and how wide it is with the
// tags after the URLs, which show where there is room beyond it.
func (u urlsView) listWidth() (bare, tagged int) {
	for _, x := range u.urls {
		w := cells(transfer.Printable(x.URL))
		bare, tagged = max(bare, w), max(tagged, w+cells(urlTags(x)))
	}
	lw := 2 + u.labelWidth() + 1
	return lw + bare, lw + tagged
}

// urlTags is what the list says after a URL: whether clients came in on
// it, and whether it is a virtual adapter's.
func urlTags(x URL) string {
	var s string
	if x.Used {
		s += " ✓ used"
	}
	if x.Virtual {
		s += " virtual"
	}
	return s
}

// qrHidden reports whether there is a code the panel has no room for.
func (u urlsView) qrHidden() bool { return len(u.qr) > 0 && !u.showQR }

// SetSize sets the panel's size and whether and where it shows the code;
// the layout decides that, since it knows what else needs room.
func (u *urlsView) SetSize(w, h int, showQR, beside bool) {
	u.w, u.h, u.showQR, u.beside = w, h, showQR && len(u.qr) > 0, beside
}

// Update moves the selection.
func (u urlsView) Update(msg tea.Msg) (urlsView, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || len(u.urls) == 0 {
		return u, nil
	}
	switch {
	case key.Matches(k, u.keys.Up):
		u.sel--
	case key.Matches(k, u.keys.Down):
		u.sel++
	case key.Matches(k, u.keys.Top, u.keys.PageUp):
		u.sel = 0
	case key.Matches(k, u.keys.Bottom, u.keys.PageDown):
		u.sel = len(u.urls) - 1
	}
	u.sel = max(0, min(u.sel, len(u.urls)-1))
	u.updateQR()
	return u, nil
}

// listRows is how many rows the list shows.
func (u urlsView) listRows() int {
	rows := u.h - 1
	if u.showQR && !u.beside {
		rows = min(rows, len(u.urls))
	}
	return rows
}

// offset is the first URL the list shows in rows rows.
func (u urlsView) offset(rows int) int { return scrollTo(0, u.sel, rows, len(u.urls)) }

// click selects the URL shown on line row under the title (0 is the
// first).
func (u *urlsView) click(row int) {
	if i := u.offset(u.listRows()) + row; row >= 0 && row < u.listRows() && i < len(u.urls) {
		u.sel = i
		u.updateQR()
	}
}

// View renders the title, the list and, if shown, the code.
func (u urlsView) View() string {
	if u.h <= 0 || u.w <= 0 {
		return ""
	}
	summary := "c copies · v shows the QR code"
	switch {
	case u.qrHidden():
		summary = "QR hidden — press v"
	case u.path != "":
		summary = "code of " + transfer.Printable(u.path)
	}
	title := titleLine(u.st, u.w, u.focused, "URLs", summary)
	if len(u.urls) == 0 {
		return title + "\n  " + u.st.Panel.Empty.Render(truncate("not listening", u.w-2))
	}
	listW := u.w
	qrW, _ := u.qrSize()
	if u.showQR && u.beside {
		listW = u.w - qrW - 2
	}
	labelW := u.labelWidth()
	rows := u.listRows()
	off := u.offset(rows)
	var list []string
	for i := off; i < min(len(u.urls), off+rows); i++ {
		x := u.urls[i]
		url := transfer.Printable(x.URL)
		if x.Virtual {
			// Listed, but not where the eye goes first.
			url = u.st.Row.Muted.Render(url)
		}
		line := cursorMark(u.st, i == u.sel, u.focused) +
			u.st.Row.Muted.Render(fitCell(transfer.Printable(x.Label), labelW)) + " " +
			url + u.st.Row.Muted.Render(urlTags(x))
		list = append(list, truncate(line, listW))
	}
	if !u.showQR {
		return title + "\n" + strings.Join(list, "\n")
	}
	code := u.qr
	if u.beside {
		var b strings.Builder
		b.WriteString(title)
		for i := range max(len(list), len(code)) {
			b.WriteByte('\n')
			left := ""
			if i < len(list) {
				left = list[i]
			}
			b.WriteString(padRight(left, listW+2))
			if i < len(code) {
				b.WriteString(code[i])
			}
		}
		return b.String()
	}
	return title + "\n" + strings.Join(list, "\n") + "\n\n" + strings.Join(code, "\n")
}
