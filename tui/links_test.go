package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseLimits(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		ttl  time.Duration
		fail bool
	}{
		{"", 0, 0, false},
		{"1", 1, 0, false},
		{"1 download", 1, 0, false},
		{"3 downloads", 3, 0, false},
		{"1h", 0, time.Hour, false},
		{"1 hour", 0, time.Hour, false},
		{"30 minutes", 0, 30 * time.Minute, false},
		{"2d", 0, 48 * time.Hour, false},
		{"3 2h", 3, 2 * time.Hour, false},
		{"90m 5 downloads", 5, 90 * time.Minute, false},
		{"soon", 0, 0, true},
		{"-1", 0, 0, true},
		{"0", 0, 0, true},
	}
	for _, tt := range tests {
		n, ttl, err := parseLimits(tt.in)
		if (err != nil) != tt.fail || n != tt.n || ttl != tt.ttl {
			t.Errorf("parseLimits(%q): got %d, %v, %v; want %d, %v, error %v", tt.in, n, ttl, err, tt.n, tt.ttl, tt.fail)
		}
	}
}

// TestLinkKeys: L shows the links; n asks for a path (tab completes files
// too) and then the limits, and makes the link, which the list and the URL
// panel show; a bad path or limit keeps the prompt open with why; x
// revokes the selected link; L goes back.
func TestLinkKeys(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "report.pdf"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctrl := newFakeCtrl()
	ctrl.root = root
	m, _ := newTest(t, ctrl, 120, 30)
	m = update(t, m, press("L"))
	if !m.showLinks || !strings.Contains(m.View().Content, "no links yet") {
		t.Fatalf("after L: the links list is not shown:\n%s", m.View().Content)
	}
	m = update(t, m, press("n"))
	if m.mode != modePrompt || m.prompt.value() != root+string(filepath.Separator) {
		t.Fatalf("after n: mode %d, value %q", m.mode, m.prompt.value())
	}
	m = update(t, m, typeText("rep")...)
	m = update(t, m, press("tab"))
	if got := m.prompt.value(); got != filepath.Join(root, "report.pdf") {
		t.Fatalf("tab: got %q, want the file completed", got)
	}
	m = update(t, m, press("enter"))
	if m.prompt.what != promptLinkLimit {
		t.Fatalf("after the path: prompt %d, want the limits", m.prompt.what)
	}
	for range len("1") {
		m = update(t, m, press("backspace"))
	}
	m = update(t, m, typeText("soon")...)
	m = update(t, m, press("enter"))
	if m.mode != modePrompt || m.prompt.err == "" {
		t.Fatalf("a bad limit: mode %d, error %q", m.mode, m.prompt.err)
	}
	for range len("soon") {
		m = update(t, m, press("backspace"))
	}
	m = update(t, m, typeText("1 1h")...)
	m = update(t, m, press("enter"))
	if m.mode != modeMain || !strings.Contains(m.status.text, "link to /report.pdf: http://") {
		t.Fatalf("after the limits: mode %d, status %q", m.mode, m.status.text)
	}
	screen := m.View().Content
	if !strings.Contains(screen, "/report.pdf") || !strings.Contains(screen, "0/1 downloads") || !strings.Contains(screen, "/~l/tok0/") {
		t.Errorf("the list and the URL panel:\n%s", screen)
	}
	m = update(t, m, press("x"))
	if !strings.Contains(m.status.text, "revoked the link to /report.pdf") {
		t.Errorf("after x: status %q", m.status.text)
	}
	m = update(t, m, press("L"))
	if m.showLinks || strings.Contains(m.View().Content, "/~l/") {
		t.Error("after L again: the links list or its URL still shows")
	}
	want := []string{"NewLink(" + filepath.Join(root, "report.pdf") + ", 1, 1h0m0s)", "RevokeLink(tok0)"}
	if got := ctrl.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls: got %q, want %q", got, want)
	}
}

// TestLinkPathSeveral: with several paths shared, n offers the first of
// them, not their names joined, and a relative path starts from the
// folder shareit was started in; with one file alone, n offers the file.
func TestLinkPathSeveral(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a/x.txt", "b.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	ctrl := &fakeSharer{fakeCtrl: newFakeCtrl(), items: []Item{{Name: "a", Path: filepath.Join(root, "a"), Dir: true}, {Name: "b.txt", Path: filepath.Join(root, "b.txt")}}}
	ctrl.root = filepath.Join(root, "a") + ", " + filepath.Join(root, "b.txt")
	m, _ := newTest(t, ctrl, 120, 30)
	m = update(t, m, press("L"), press("n"))
	if got, want := m.prompt.value(), filepath.Join(root, "a")+string(filepath.Separator); got != want {
		t.Errorf("n: offers %q, want %q", got, want)
	}
	m.prompt.input.SetValue("b.t")
	m = update(t, m, press("tab"))
	if got, want := m.prompt.value(), "b.txt"; got != want {
		t.Errorf("tab on b.t: got %q, want %q", got, want)
	}
	m = update(t, m, press("enter"), press("enter"))
	if calls := ctrl.Calls(); len(calls) == 0 || calls[len(calls)-1] != "NewLink("+filepath.Join(root, "b.txt")+", 1, 0s)" {
		t.Errorf("calls %q: want a link to %s", calls, filepath.Join(root, "b.txt"))
	}

	ctrl.items = ctrl.items[1:]
	ctrl.root = filepath.Join(root, "b.txt")
	m, _ = newTest(t, ctrl, 120, 30)
	m = update(t, m, press("L"), press("n"))
	if got := m.prompt.value(); got != filepath.Join(root, "b.txt") {
		t.Errorf("a file alone: n offers %q, want the file", got)
	}

	ctrl.items, ctrl.root = nil, "a text of 5 B"
	m, _ = newTest(t, ctrl, 120, 30)
	m = update(t, m, press("L"), press("n"))
	if got := m.prompt.value(); got != "" {
		t.Errorf("a text: n offers %q, want nothing", got)
	}
}

// TestRevokeRemoved: a link whose item is no longer shared ("removed")
// can be revoked, as it would work again once its item is shared again.
func TestRevokeRemoved(t *testing.T) {
	ctrl := newFakeCtrl()
	ctrl.links = []Link{{Token: "gone", Path: "/old/", URL: "http://192.168.1.23:8000/~l/gone/old.zip", State: "removed"}}
	m, _ := newTest(t, ctrl, 100, 30)
	m = update(t, m, press("L"))
	if !m.keys.Revoke.Enabled() || !strings.Contains(m.View().Content, "removed") {
		t.Fatalf("a removed link: x offered %v, list:\n%s", m.keys.Revoke.Enabled(), m.View().Content)
	}
	m = update(t, m, press("x"))
	if calls := ctrl.Calls(); len(calls) == 0 || calls[len(calls)-1] != "RevokeLink(gone)" || !strings.Contains(m.status.text, "revoked") {
		t.Errorf("x: calls %q, status %q", calls, m.status.text)
	}
}
