package tui

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

func TestKeysCallTheController(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*fakeCtrl)
		keys      []string
		wantCalls []string
		check     func(*testing.T, Model, *fakeCtrl)
	}{
		{
			name:      "p pauses",
			keys:      []string{"p"},
			wantCalls: []string{"Pause"},
			check: func(t *testing.T, m Model, c *fakeCtrl) {
				if !c.Paused() || !m.paused || m.header.state() != "paused" {
					t.Errorf("got ctrl paused %t, model paused %t, header %q; want paused everywhere",
						c.Paused(), m.paused, m.header.state())
				}
			},
		},
		{
			name:      "space pauses, p resumes",
			keys:      []string{"space", "p"},
			wantCalls: []string{"Pause", "Resume"},
			check: func(t *testing.T, m Model, c *fakeCtrl) {
				if c.Paused() || m.paused || m.header.state() != "serving" {
					t.Errorf("got ctrl paused %t, header %q; want serving", c.Paused(), m.header.state())
				}
			},
		},
		{
			name:      "s stops listening, transfers still running: draining",
			keys:      []string{"s"},
			wantCalls: []string{"Stop"},
			check: func(t *testing.T, m Model, c *fakeCtrl) {
				if c.Listening() || m.header.state() != "draining" {
					t.Errorf("got listening %t, header %q; want stopped, draining", c.Listening(), m.header.state())
				}
			},
		},
		{
			name:      "s twice listens again",
			keys:      []string{"s", "s"},
			wantCalls: []string{"Stop", "Start"},
			check: func(t *testing.T, m Model, c *fakeCtrl) {
				if !c.Listening() || m.header.state() != "serving" {
					t.Errorf("got listening %t, header %q; want serving", c.Listening(), m.header.state())
				}
			},
		},
		{
			name:      "a failed start is shown and the server stays stopped",
			setup:     func(c *fakeCtrl) { c.startErr = errors.New("listen tcp :8000: address already in use") },
			keys:      []string{"s", "s"},
			wantCalls: []string{"Stop", "Start"},
			check: func(t *testing.T, m Model, c *fakeCtrl) {
				if m.listening || !m.status.err || !strings.Contains(m.status.text, "address already in use") {
					t.Errorf("got listening %t, status %+v; want stopped and the error shown", m.listening, m.status)
				}
			},
		},
		{
			name:      "x cancels the selected running transfer",
			setup:     func(c *fakeCtrl) { c.active[1] = true },
			keys:      []string{"x"},
			wantCalls: []string{"Cancel(1)"},
			check: func(t *testing.T, m Model, _ *fakeCtrl) {
				if !strings.HasPrefix(m.status.text, "cancelling /isos/") {
					t.Errorf("status: got %q, want cancelling the iso", m.status.text)
				}
			},
		},
		{
			name:      "x on an ended row does nothing",
			keys:      []string{"G", "x"}, // the last row is /big.bin, failed
			wantCalls: nil,
		},
		{
			name:      "x outside the transfers panel does nothing",
			keys:      []string{"tab", "x"},
			wantCalls: nil,
		},
		{
			name:      "x on a transfer that just ended says so",
			keys:      []string{"x"},
			wantCalls: []string{"Cancel(1)"},
			check: func(t *testing.T, m Model, _ *fakeCtrl) {
				if !strings.Contains(m.status.text, "already ended") {
					t.Errorf("status: got %q, want already ended", m.status.text)
				}
			},
		},
		{
			name:      "u asks for uploads; refused, the header stays read-only",
			keys:      []string{"u"},
			wantCalls: []string{"SetUploads(true)"},
			check: func(t *testing.T, m Model, _ *fakeCtrl) {
				if m.uploads || m.status.text != "uploads are not available" || !m.status.err {
					t.Errorf("got uploads %t, status %+v; want read-only and the error", m.uploads, m.status)
				}
			},
		},
		{
			name:      "u turns uploads on",
			setup:     func(c *fakeCtrl) { c.uploadsErr = nil },
			keys:      []string{"u"},
			wantCalls: []string{"SetUploads(true)"},
			check: func(t *testing.T, m Model, _ *fakeCtrl) {
				if !m.uploads || !m.header.uploads {
					t.Errorf("got uploads %t, header %t; want on", m.uploads, m.header.uploads)
				}
			},
		},
		{
			name: "? toggles the full help",
			keys: []string{"?"},
			check: func(t *testing.T, m Model, _ *fakeCtrl) {
				if !m.help.ShowAll {
					t.Error("got short help, want full")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctrl := newFakeCtrl()
			if tt.setup != nil {
				tt.setup(ctrl)
			}
			m, _ := newTest(t, ctrl, 80, 24)
			m = update(t, m, busy())
			for _, k := range tt.keys {
				m = update(t, m, press(k))
			}
			if got := ctrl.Calls(); !slices.Equal(got, tt.wantCalls) {
				t.Errorf("calls: got %q, want %q", got, tt.wantCalls)
			}
			if tt.check != nil {
				tt.check(t, m, ctrl)
			}
		})
	}
}

func TestCopyURL(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"c"}, "http://192.168.1.23:8000/"},
		{[]string{"shift+tab", "down", "c"}, "http://10.0.0.7:8000/"},
		{[]string{"shift+tab", "j", "j", "j", "c"}, "http://127.0.0.1:8000/"},
		{[]string{"shift+tab", "end", "k", "c"}, "http://172.17.0.1:8000/"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, " "), func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			var cmd tea.Cmd
			for _, k := range tt.keys {
				m, cmd = send(t, m, press(k))
			}
			if cmd == nil {
				t.Fatal("got no command, want one setting the clipboard")
			}
			if got, want := cmd(), tea.SetClipboard(tt.want)(); !reflect.DeepEqual(got, want) {
				t.Errorf("clipboard: got %#v, want %#v", got, want)
			}
			if m.urls.qrFor != tt.want {
				t.Errorf("QR code: got %q, want the selected %q", m.urls.qrFor, tt.want)
			}
		})
	}
}

func TestFocusCycles(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	want := []panel{panelClients, panelLog, panelURLs, panelTransfers, panelURLs}
	keys := []string{"tab", "tab", "tab", "tab", "shift+tab"}
	for i, k := range keys {
		m = update(t, m, press(k))
		if m.focus != want[i] {
			t.Fatalf("after %q (%d): got focus %d, want %d", k, i, m.focus, want[i])
		}
	}
}

func TestSelectionMoves(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		check func(Model) (got, want any)
	}{
		{"down in transfers", []string{"down"}, func(m Model) (any, any) { return m.transfers.selID, uint64(2) }},
		{"j j k in transfers", []string{"j", "j", "k"}, func(m Model) (any, any) { return m.transfers.selID, uint64(2) }},
		{"end in transfers", []string{"end"}, func(m Model) (any, any) { return m.transfers.selID, uint64(6) }},
		{"up stops at the top", []string{"up", "up"}, func(m Model) (any, any) { return m.transfers.selID, uint64(1) }},
		{"down in clients", []string{"tab", "down"}, func(m Model) (any, any) { return m.clients.selAddr, "192.168.1.40" }},
		{"G in clients", []string{"tab", "G"}, func(m Model) (any, any) { return m.clients.selAddr, "192.168.1.41" }},
		{"down in urls", []string{"shift+tab", "down"}, func(m Model) (any, any) { return m.urls.sel, 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			m = update(t, m, busy())
			for _, k := range tt.keys {
				m = update(t, m, press(k))
			}
			if got, want := tt.check(m); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestSelectionSurvivesRowsGoing(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	a := snap(1, transfer.Download, "10.0.0.1", "/a", 10, 1, 1)
	b := snap(2, transfer.Download, "10.0.0.1", "/b", 10, 1, 1)
	c := snap(3, transfer.Download, "10.0.0.1", "/c", 10, 1, 1)
	m = update(t, m, events(started(a), started(b), started(c)), press("down"))
	if m.transfers.selID != 2 {
		t.Fatalf("got selection %d, want 2", m.transfers.selID)
	}
	// /b goes without a trace (its row never ended here): the selection
	// passes to the row that takes its place.
	m = update(t, m, events(frame(false, []transfer.Snapshot{a, c}, nil)))
	if m.transfers.selID != 3 {
		t.Errorf("got selection %d, want 3", m.transfers.selID)
	}
}

func TestQuit(t *testing.T) {
	tests := []struct {
		name     string
		busy     bool
		keys     []string
		wantQuit bool
		wantExit Exit
		wantMode mode
	}{
		{"q with nothing running quits", false, []string{"q"}, true, ExitQuit, modeMain},
		{"ctrl+c with nothing running quits", false, []string{"ctrl+c"}, true, ExitQuit, modeMain},
		{"q while transfers run asks", true, []string{"q"}, false, ExitNone, modeConfirmQuit},
		{"n keeps serving", true, []string{"q", "n"}, false, ExitNone, modeMain},
		{"esc keeps serving", true, []string{"q", "esc"}, false, ExitNone, modeMain},
		{"y quits", true, []string{"q", "y"}, true, ExitQuit, modeConfirmQuit},
		{"other keys wait for an answer", true, []string{"q", "p", "q"}, false, ExitNone, modeConfirmQuit},
		{"ctrl+c asks, a second forces", true, []string{"ctrl+c", "ctrl+c"}, true, ExitForced, modeConfirmQuit},
		{"ctrl+c in the folder input asks too", true, []string{"d", "ctrl+c"}, false, ExitNone, modeConfirmQuit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctrl := newFakeCtrl()
			m, _ := newTest(t, ctrl, 80, 24)
			if tt.busy {
				m = update(t, m, busy())
			}
			var cmd tea.Cmd
			for _, k := range tt.keys {
				m, cmd = send(t, m, press(k))
			}
			if got := isQuit(cmd); got != tt.wantQuit {
				t.Errorf("quit: got %t, want %t", got, tt.wantQuit)
			}
			if got := m.Exit(); got != tt.wantExit {
				t.Errorf("exit: got %v, want %v", got, tt.wantExit)
			}
			if m.mode != tt.wantMode {
				t.Errorf("mode: got %d, want %d", m.mode, tt.wantMode)
			}
			if calls := ctrl.Calls(); len(calls) != 0 {
				t.Errorf("calls: got %q, want none", calls)
			}
			if got := ExitOf(m); got != tt.wantExit {
				t.Errorf("ExitOf: got %v, want %v", got, tt.wantExit)
			}
		})
	}
}

func TestBindingsFollowState(t *testing.T) {
	type want struct {
		cancel, copy, pause, folder, apply, yes bool
		pauseHelp, listenHelp                   string
	}
	tests := []struct {
		name  string
		setup func(*fakeCtrl)
		msgs  []tea.Msg
		want  want
	}{
		{"idle: nothing to cancel", nil, nil,
			want{cancel: false, copy: true, pause: true, folder: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"a running transfer selected", nil, []tea.Msg{busy()},
			want{cancel: true, copy: true, pause: true, folder: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"an ended transfer selected", nil, []tea.Msg{busy(), press("G")},
			want{cancel: false, copy: true, pause: true, folder: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"focus on the log", nil, []tea.Msg{busy(), press("tab"), press("tab")},
			want{cancel: false, copy: true, pause: true, folder: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"paused and stopped", nil, []tea.Msg{press("p"), press("s")},
			want{cancel: false, copy: true, pause: true, folder: true, pauseHelp: "resume", listenHelp: "start"}},
		{"no URLs: nothing to copy", func(c *fakeCtrl) { c.urls = nil }, nil,
			want{cancel: false, copy: false, pause: true, folder: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"typing a folder", nil, []tea.Msg{busy(), press("d")},
			want{apply: true, pauseHelp: "pause", listenHelp: "stop"}},
		{"asking to quit", nil, []tea.Msg{busy(), press("q")},
			want{yes: true, pauseHelp: "pause", listenHelp: "stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctrl := newFakeCtrl()
			if tt.setup != nil {
				tt.setup(ctrl)
			}
			m, _ := newTest(t, ctrl, 80, 24)
			m = update(t, m, tt.msgs...)
			k := m.keys
			got := want{
				cancel: k.Cancel.Enabled(), copy: k.Copy.Enabled(), pause: k.Pause.Enabled(),
				folder: k.Folder.Enabled(), apply: k.Apply.Enabled(), yes: k.Yes.Enabled(),
				pauseHelp: k.Pause.Help().Desc, listenHelp: k.Listen.Help().Desc,
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDisabledKeysDoNothing(t *testing.T) {
	// In the folder input, letters are text, not commands.
	ctrl := newFakeCtrl()
	m, _ := newTest(t, ctrl, 80, 24)
	m = update(t, m, busy(), press("d"), press("p"), press("s"), press("x"), press("q"))
	if calls := ctrl.Calls(); len(calls) != 0 {
		t.Errorf("calls: got %q, want none", calls)
	}
	if got, want := m.input.value(), "/home/ada/sharepsxq"; got != want {
		t.Errorf("input: got %q, want %q", got, want)
	}
	if m.mode != modeFolder {
		t.Errorf("mode: got %d, want the folder input", m.mode)
	}
}

func TestSpeedsZeroWhilePaused(t *testing.T) {
	ctrl := newFakeCtrl()
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, busy(), press("p"))
	view := m.View().Content
	for _, bps := range []float64{11.2 * mib, 4 * mib, 96 << 10, 11.2*mib + 4*mib + 96<<10} {
		if s := formatSpeed(bps); strings.Contains(view, s) {
			t.Errorf("paused view shows speed %q, want 0 B/s everywhere", s)
		}
	}
	if !strings.Contains(view, "paused") {
		t.Error("paused view does not say paused")
	}
}

func TestTerminalProgressBar(t *testing.T) {
	dl := snap(1, transfer.Download, "10.0.0.1", "/a", 100, 25, 1)
	ar := snap(2, transfer.Archive, "10.0.0.1", "/d/", 300, 75, 1)
	up := snap(3, transfer.Upload, "10.0.0.1", "/u", 1000, 1000, 1)
	unknown := snap(4, transfer.Archive, "10.0.0.1", "/e/", -1, 5, 1)
	almost := snap(5, transfer.Download, "10.0.0.1", "/f", 1000, 999, 1)
	tests := []struct {
		name string
		msgs []tea.Msg
		want *tea.ProgressBar
	}{
		{"nothing running", nil, nil},
		{"uploads do not count", []tea.Msg{events(started(up))}, nil},
		{"downloads and archives", []tea.Msg{events(started(dl), started(ar), started(up))},
			tea.NewProgressBar(tea.ProgressBarDefault, 25)},
		{"paused", []tea.Msg{events(started(dl)), press("p")},
			tea.NewProgressBar(tea.ProgressBarWarning, 25)},
		{"unknown sizes only", []tea.Msg{events(started(unknown))},
			tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)},
		{"never 100 while running", []tea.Msg{events(started(almost))},
			tea.NewProgressBar(tea.ProgressBarDefault, 99)},
		{"gone once they end", []tea.Msg{events(started(dl), ended(dl, transfer.Finished))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t, newFakeCtrl(), 80, 24)
			m = update(t, m, tt.msgs...)
			got := m.View().ProgressBar
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestViewUsesAltScreen(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	if !m.View().AltScreen {
		t.Error("got AltScreen false, want true")
	}
}

func TestBackgroundColourPicksStyles(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 80, 24)
	dark := m.styles.Header.Muted.style.GetForeground()
	m = update(t, m, tea.BackgroundColorMsg{Color: whiteColor{}})
	if light := m.styles.Header.Muted.style.GetForeground(); reflect.DeepEqual(light, dark) {
		t.Errorf("after a light background: muted colour still %v, want the light one", light)
	}
	want := DefaultStyles(false)
	if got := m.transfers.st.Header.Muted.style.GetForeground(); !reflect.DeepEqual(got, want.Header.Muted.style.GetForeground()) {
		t.Errorf("components' styles: got %v, want the light styles' %v", got, want.Header.Muted.style.GetForeground())
	}
}

type whiteColor struct{}

func (whiteColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }
