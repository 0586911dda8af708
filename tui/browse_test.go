package tui

import (
	"errors"
	"fmt"
	"path"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// fakeBrowser is a fakeCtrl whose share can be listed: a fixed tree.
type fakeBrowser struct {
	*fakeCtrl
	tree map[string][]Entry
}

func (f *fakeBrowser) List(dir string) ([]Entry, error) {
	e, ok := f.tree[dir]
	if !ok {
		return nil, errors.New("not a shared folder")
	}
	return e, nil
}

func (f *fakeBrowser) LinkAt(u string, maxDownloads int, ttl time.Duration) (Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("LinkAt(%s, %d, %v)", u, maxDownloads, ttl)
	l := Link{Token: fmt.Sprintf("tok%d", len(f.links)), Path: u, Max: maxDownloads, State: "live"}
	l.URL = "http://192.168.1.23:8000/~l/" + l.Token + "/" + path.Base(u)
	if ttl > 0 {
		l.Expires = t0.Add(ttl)
	}
	f.links = append(f.links, l)
	return l, nil
}

func newFakeBrowser() *fakeBrowser {
	return &fakeBrowser{fakeCtrl: newFakeCtrl(), tree: map[string][]Entry{
		"/":               {{Name: "photos", URL: "/photos/", Dir: true}, {Name: "notes.txt", URL: "/notes.txt", Size: 6}},
		"/photos/":        {{Name: "beach day.jpg", URL: "/photos/beach%20day.jpg", Size: 2 << 20}, {Name: "bad\x1b[2J.jpg", URL: "/photos/bad%1B%5B2J.jpg", Size: 1}},
		"/photos/nested/": nil,
	}}
}

// TestBrowse: b lists the share's top through the controller; enter opens
// a folder, ← goes back up with the folder left selected; the selected
// entry's link shows and its code previews in the URLs panel; c copies
// the link, p pins its code for after the browser closes, z (or enter on
// a file) shows it full screen; a click selects, a second one opens.
func TestBrowse(t *testing.T) {
	ctrl := newFakeBrowser()
	m, _ := newTest(t, ctrl, 100, 30)
	if !m.keys.Browse.Enabled() {
		t.Fatal("b is not offered with a Browser controller")
	}
	m = update(t, m, press("b"))
	if m.mode != modeBrowse || len(m.files.rows) != 2 || m.urls.qrFor != "http://192.168.1.23:8000/photos/" {
		t.Fatalf("b: mode %v, rows %v, code of %q", m.mode, m.files.rows, m.urls.qrFor)
	}
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("the browser does not take the mouse")
	}
	m = update(t, m, press("enter"))
	if m.files.dir != "/photos/" || m.files.rows[0].Name != ".." {
		t.Fatalf("enter: in %q with rows %v", m.files.dir, m.files.rows)
	}
	view := m.View().Content
	if strings.Contains(view, "\x1b[2J") {
		t.Error("a control character of a name reached the screen")
	}
	m = update(t, m, press("down"))
	if !strings.Contains(ansi.Strip(view), "Browse /photos/") || !strings.Contains(ansi.Strip(m.View().Content), ":8000/photos/beach%20day.jpg · c copy · p pin code · z full screen · l limited link") {
		t.Errorf("the browser and its status line:\n%s", ansi.Strip(m.View().Content))
	}
	mm, cmd := send(t, m, press("c"))
	if cmd == nil || !reflect.DeepEqual(cmd(), tea.SetClipboard("http://192.168.1.23:8000/photos/beach%20day.jpg")()) {
		t.Errorf("c: got %v, want the link on the clipboard", cmd)
	}
	mm = update(t, mm, press("p"), press("esc"))
	if mm.mode != modeMain || mm.urls.qrFor != "http://192.168.1.23:8000/photos/beach%20day.jpg" || !strings.Contains(ansi.Strip(mm.View().Content), "code of /photos/beach%20day.jpg") {
		t.Errorf("p esc: mode %v, code of %q; want the pinned link's code after closing", mm.mode, mm.urls.qrFor)
	}
	if _, cmd := send(t, mm, press("c")); cmd == nil || !reflect.DeepEqual(cmd(), tea.SetClipboard("http://192.168.1.23:8000/photos/beach%20day.jpg")()) {
		t.Error("c on the main screen does not copy the pinned link")
	}
	mm = update(t, m, press("z"))
	if mm.mode != modeCode || !strings.Contains(mm.View().Content, "http://192.168.1.23:8000/photos/beach%20day.jpg") || !strings.Contains(mm.View().Content, "▀") {
		t.Errorf("z: mode %v; want the code full screen", mm.mode)
	}
	if mm = update(t, mm, press("x")); mm.mode != modeBrowse {
		t.Errorf("a key on the full-screen code: mode %v, want back to browsing", mm.mode)
	}
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyLeft})
	if m.files.dir != "/" || m.files.rows[m.files.sel].Name != "photos" {
		t.Errorf("←: in %q on %v, want the top with photos selected", m.files.dir, m.files.rows[m.files.sel])
	}
	// The mouse: the browser's rows start below its title.
	top := m.lay.headerH
	if m.lay.sideW == 0 {
		top += m.lay.urlsH
	}
	x := m.lay.sideW + 2
	m = update(t, m, tea.MouseClickMsg{X: x, Y: top + 2, Button: tea.MouseLeft})
	if m.files.rows[m.files.sel].Name != "notes.txt" {
		t.Errorf("a click on the second row: selected %v", m.files.rows[m.files.sel])
	}
	m = update(t, m, tea.MouseWheelMsg{X: x, Y: top + 2, Button: tea.MouseWheelUp}, tea.MouseClickMsg{X: x, Y: top + 1, Button: tea.MouseLeft})
	if m.files.dir != "/photos/" {
		t.Errorf("a click on the selected folder: in %q, want /photos/", m.files.dir)
	}
}

// TestBrowseLink: l on the browser's selection asks for limits and makes a
// limited link to that entry's URL path through the controller, then
// shows it in the links list.
func TestBrowseLink(t *testing.T) {
	ctrl := newFakeBrowser()
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, press("b"), press("down"))
	if !strings.Contains(ansi.Strip(m.View().Content), "l limited link") {
		t.Errorf("the browser does not offer l:\n%s", ansi.Strip(m.View().Content))
	}
	m = update(t, m, press("l"))
	if m.mode != modePrompt || m.prompt.what != promptLinkLimitAt {
		t.Fatalf("l: mode %v, prompt %v; want the limits prompt", m.mode, m.prompt.what)
	}
	m = update(t, m, press("backspace"))
	for _, r := range "2 1h" {
		m = update(t, m, press(string(r)))
	}
	m = update(t, m, press("enter"))
	calls := ctrl.Calls()
	if len(calls) == 0 || calls[len(calls)-1] != "LinkAt(/notes.txt, 2, 1h0m0s)" {
		t.Fatalf("enter: calls %v, want LinkAt(/notes.txt, 2, 1h0m0s)", calls)
	}
	if m.mode != modeMain || !m.showLinks || !strings.Contains(ansi.Strip(m.View().Content), "/~l/tok0/notes.txt") {
		t.Errorf("after the link: mode %v, links shown %v:\n%s", m.mode, m.showLinks, ansi.Strip(m.View().Content))
	}
}

// TestBrowseSecret: with --secret the browser's link and code carry the
// token of the selected URL, as another device has no cookie; also when
// the URL points at a file shared alone.
func TestBrowseSecret(t *testing.T) {
	for _, share := range []string{"http://192.168.1.23:8000/~s/TOKEN", "http://192.168.1.23:8000/~s/TOKEN/notes.txt"} {
		ctrl := newFakeBrowser()
		ctrl.urls = []URL{{Label: "wlan0", URL: share}}
		m, _ := newTest(t, ctrl, 100, 30)
		m = update(t, m, press("b"), press("down"))
		want := "http://192.168.1.23:8000/~s/TOKEN/notes.txt"
		if m.urls.qrFor != want {
			t.Errorf("share %s: the code holds %q, want %q", share, m.urls.qrFor, want)
		}
		if _, cmd := send(t, m, press("c")); cmd == nil || !reflect.DeepEqual(cmd(), tea.SetClipboard(want)()) {
			t.Errorf("share %s: c does not copy %s", share, want)
		}
		if !strings.Contains(ansi.Strip(m.View().Content), want+" · c copy") {
			t.Errorf("share %s: the status line does not show %s:\n%s", share, want, ansi.Strip(m.View().Content))
		}
	}
}

// TestBrowseLinkFolder: l on a folder makes its limited link (it does not
// open it: enter and → do), and at 80 columns a long secret link leaves
// the keys on the browser's line.
func TestBrowseLinkFolder(t *testing.T) {
	ctrl := newFakeBrowser()
	ctrl.urls = []URL{{Label: "wlan0", URL: "http://192.168.1.23:8000/~s/abcdefghijklmnopqrstuvwx"}}
	m, _ := newTest(t, ctrl, 80, 24)
	m = update(t, m, press("b"))
	line := ansi.Strip(m.View().Content)
	if !strings.Contains(line, "…") || !strings.Contains(line, "/photos/ · c copy · p pin code · z full screen · l limited link") {
		t.Errorf("at 80 columns the keys are cut:\n%s", line)
	}
	m = update(t, m, press("l"))
	if m.mode != modePrompt || m.prompt.what != promptLinkLimitAt || m.files.dir != "/" {
		t.Fatalf("l on a folder: mode %v, prompt %v, in %q; want the limits prompt", m.mode, m.prompt.what, m.files.dir)
	}
	m = update(t, m, press("enter"))
	if calls := ctrl.Calls(); len(calls) == 0 || calls[len(calls)-1] != "LinkAt(/photos/, 1, 0s)" {
		t.Errorf("enter: calls %v, want LinkAt(/photos/, 1, 0s)", calls)
	}
	// The code and c are the new link's, not the folder the browser showed.
	if want := "http://192.168.1.23:8000/~l/tok0/photos"; m.urls.qrFor != want {
		t.Errorf("after the link: the code holds %q, want %q", m.urls.qrFor, want)
	}
	if _, cmd := send(t, m, press("c")); cmd == nil || !reflect.DeepEqual(cmd(), tea.SetClipboard("http://192.168.1.23:8000/~l/tok0/photos")()) {
		t.Error("c after the link does not copy it")
	}
	m = update(t, m, press("L"), press("b"), press("l"), press("esc"))
	if m.mode != modeMain || m.urls.path != "" {
		t.Errorf("esc on the limits: mode %v, code of %q; want the share's", m.mode, m.urls.path)
	}
}

// TestPinDropped: a code pinned from the browser stays while its entry
// is shared at that URL, and goes (the share's URL shows again, with a
// note in the log) once a change of the share leaves it a dead link.
func TestPinDropped(t *testing.T) {
	ctrl := newFakeBrowser()
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, press("b"), press("enter"), press("down"), press("p"), press("esc"))
	if m.pinned != "/photos/beach%20day.jpg" {
		t.Fatalf("pinned %q", m.pinned)
	}
	m.dropDeadPin()
	if m.pinned == "" {
		t.Fatal("a pin still shared was dropped")
	}
	delete(ctrl.tree, "/photos/")
	m = update(t, m, press("d"))
	m.input.input.SetValue(t.TempDir())
	m = update(t, m, press("enter"))
	if m.pinned != "" || m.urls.qrFor != "http://192.168.1.23:8000/" {
		t.Errorf("after d: pinned %q, code of %q; want the share's URL", m.pinned, m.urls.qrFor)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "unpinned the code of /photos/beach%20day.jpg") {
		t.Errorf("no word of the unpinned code:\n%s", ansi.Strip(m.View().Content))
	}
}

// TestBrowseOverLinks: the browser opened over the links list previews
// the share's URLs (with --secret, the token), not origin of the link
// plus a path; a pinned code does not follow a link in the list.
func TestBrowseOverLinks(t *testing.T) {
	ctrl := newFakeBrowser()
	ctrl.urls = []URL{{Label: "wlan0", URL: "http://192.168.1.23:8000/~s/TOKEN"}}
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, press("b"), press("down"), press("p"), press("l"), press("enter"))
	if !m.showLinks || m.urls.qrFor != "http://192.168.1.23:8000/~l/tok0/notes.txt" {
		t.Fatalf("a link with a code pinned: links shown %v, code of %q; want the link's", m.showLinks, m.urls.qrFor)
	}
	m = update(t, m, press("b"), press("down"))
	if want := "http://192.168.1.23:8000/~s/TOKEN/notes.txt"; m.urls.qrFor != want {
		t.Errorf("browsing over the links: code of %q, want %q", m.urls.qrFor, want)
	}
	m = update(t, m, press("esc"), press("L"))
	if want := "http://192.168.1.23:8000/~s/TOKEN/notes.txt"; m.showLinks || m.urls.qrFor != want {
		t.Errorf("L closed: links shown %v, code of %q; want the pinned %q", m.showLinks, m.urls.qrFor, want)
	}
}
