package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// fakeSharer is a fakeCtrl whose share can change: Add takes existing
// paths, Remove the names it has.
type fakeSharer struct {
	*fakeCtrl
	items []Item
}

func (f *fakeSharer) Items() []Item { return append([]Item(nil), f.items...) }

func (f *fakeSharer) Add(path string) (string, error) {
	f.record("Add(%s)", path)
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: no such file or folder", path)
	}
	name := filepath.Base(path)
	f.items = append(f.items, Item{Name: name, Path: path, Dir: fi.IsDir()})
	return name, nil
}

func (f *fakeSharer) Remove(name string) error {
	f.record("Remove(%s)", name)
	for i, it := range f.items {
		if it.Name == name {
			f.items = append(f.items[:i], f.items[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%q is not shared", name)
}

// TestAddRemovePaths: a opens a prompt that completes files and folders;
// a bad path is refused there and nothing changes; enter shares it and
// logs it. R lists the shared paths; enter stops sharing the selected
// one, and the status says a transfer from it still finishes.
func TestAddRemovePaths(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"report.pdf", "reports/x"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	ctrl := &fakeSharer{fakeCtrl: newFakeCtrl(), items: []Item{{Path: "/home/ada/share", Dir: true}}}
	m, _ := newTest(t, ctrl, 100, 30)
	if !m.keys.Add.Enabled() || m.keys.Remove.Enabled() || !m.keys.Folder.Enabled() {
		t.Errorf("one folder: a %v, R %v, d %v; want a and d only", m.keys.Add.Enabled(), m.keys.Remove.Enabled(), m.keys.Folder.Enabled())
	}
	m = update(t, m, press("a"))
	m = update(t, m, typeText(filepath.Join(dir, "nope"))...)
	m = update(t, m, press("enter"))
	if m.mode != modeFolder || !strings.Contains(m.input.err, "no such file or folder") || len(ctrl.items) != 1 {
		t.Fatalf("a bad path: mode %v, error %q, items %v; want the prompt open with the reason", m.mode, m.input.err, ctrl.items)
	}
	for range len("nope") {
		m = update(t, m, press("backspace"))
	}
	m = update(t, m, typeText("rep")...)
	m = update(t, m, press("tab"))
	if got := m.input.value(); got != filepath.Join(dir, "report") || strings.Join(m.input.cands, " ") != "report.pdf reports/" {
		t.Errorf("tab: got %q and candidates %q, want the common prefix and report.pdf reports/", got, m.input.cands)
	}
	m = update(t, m, typeText(".")...)
	m = update(t, m, press("tab"), press("enter"))
	if m.mode != modeMain || len(ctrl.items) != 2 || ctrl.items[1].Path != filepath.Join(dir, "report.pdf") {
		t.Fatalf("enter: mode %v, items %v; want report.pdf shared", m.mode, ctrl.items)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "now sharing "+filepath.Join(dir, "report.pdf")+" as /report.pdf") {
		t.Errorf("no word of the new path on screen:\n%s", ansi.Strip(m.View().Content))
	}
	if !m.keys.Remove.Enabled() || m.keys.Folder.Enabled() {
		t.Errorf("two paths: R %v, d %v; want R and not d", m.keys.Remove.Enabled(), m.keys.Folder.Enabled())
	}

	// A download from report.pdf is running when it is removed.
	s := snap(1, transfer.Download, "10.0.0.9", "/report.pdf", 1000, 10, 100)
	m = update(t, m, events(started(s)))
	m = update(t, m, press("R"))
	if m.mode != modeRemove || !strings.Contains(ansi.Strip(m.View().Content), "/report.pdf") {
		t.Fatalf("R: mode %v; want the list of shared paths", m.mode)
	}
	m = update(t, m, press("esc"))
	if m.mode != modeMain || len(ctrl.items) != 2 {
		t.Fatalf("esc: mode %v, items %v; want nothing removed", m.mode, ctrl.items)
	}
	m = update(t, m, press("R"), press("down"), press("enter"))
	if len(ctrl.items) != 1 || ctrl.items[0].Path != "/home/ada/share" {
		t.Fatalf("R down enter: items %v, want report.pdf gone", ctrl.items)
	}
	if want := "1 transfer from it finishes, new requests get 404"; !strings.Contains(m.status.text, want) {
		t.Errorf("status: got %q, want it to say %q", m.status.text, want)
	}
	if got := ctrl.Calls(); strings.Join(got, " ") != "Add("+filepath.Join(dir, "nope")+") Add("+filepath.Join(dir, "report.pdf")+") Remove(report.pdf)" {
		t.Errorf("calls: got %q", got)
	}
	var logged []string
	for _, l := range m.log.lines {
		logged = append(logged, l.text)
	}
	if all := strings.Join(logged, "\n"); !strings.Contains(all, "now sharing "+filepath.Join(dir, "report.pdf")) || !strings.Contains(all, "stopped sharing "+filepath.Join(dir, "report.pdf")) {
		t.Errorf("log: got\n%s\nwant both changes", all)
	}
}
