package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree makes a folder with subfolders, a hidden one, a file and a symlink
// to a folder, and returns its path.
func tree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"alpha/inner", "alpine", "beta", ".hidden", ".hideout", "gamma\x1bx"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "alps.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "beta"), filepath.Join(dir, "betalink")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCompleteDir(t *testing.T) {
	dir := tree(t)
	tests := []struct {
		value     string
		want      string
		wantCands []string
	}{
		{dir + "/al", dir + "/alp", []string{"alpha", "alpine"}}, // alps.txt is a file
		{dir + "/alph", dir + "/alpha/", nil},
		{dir + "/alpha/", dir + "/alpha/inner/", nil},
		{dir + "/b", dir + "/beta", []string{"beta", "betalink"}}, // a link to a folder counts
		{dir + "/z", dir + "/z", nil},
		{dir + "/.h", dir + "/.hid", []string{".hidden", ".hideout"}}, // hidden, when asked for
		{dir + "/.hidd", dir + "/.hidden/", nil},
		{dir + "/", dir + "/", []string{"alpha", "alpine", "beta", "betalink", "gamma\x1bx"}}, // no hidden ones
		{"alph", "alpha" + string(filepath.Separator), nil},                                   // relative to the served folder
		{dir + "/nope/x", dir + "/nope/x", nil},                                               // no such folder
		{dir + "/alps.txt/", dir + "/alps.txt/", nil},                                         // not a folder
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.value, dir), func(t *testing.T) {
			got, cands := completeDir(tt.value, dir)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !slices.Equal(cands, tt.wantCands) {
				t.Errorf("candidates: got %q, want %q", cands, tt.wantCands)
			}
		})
	}
}

func TestResolveDir(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home folder:", err)
	}
	tests := []struct{ value, want string }{
		{"/srv/x/", "/srv/x"},
		{"sub", "/base/sub"},
		{"../other", "/other"},
		{"~", home},
		{"~/pub", filepath.Join(home, "pub")},
	}
	for _, tt := range tests {
		if got := resolveDir(tt.value, "/base"); got != tt.want {
			t.Errorf("resolveDir(%q): got %q, want %q", tt.value, got, tt.want)
		}
	}
}

func TestFolderInput(t *testing.T) {
	dir := tree(t)
	tests := []struct {
		name      string
		keys      []any // key names, or text to type
		wantMode  mode
		wantRoot  string // the controller's root afterwards
		wantValue string // the input's value, in folder mode
		wantErr   string // a part of the error shown, "" for none
		wantCands []string
		wantCalls int
	}{
		{
			name:      "d opens the input with the current folder",
			keys:      []any{"d"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir,
		},
		{
			name:     "esc cancels",
			keys:     []any{"d", text("/al"), "esc"},
			wantMode: modeMain,
			wantRoot: dir,
		},
		{
			name:      "tab completes to the common prefix and lists the candidates",
			keys:      []any{"d", text("/al"), "tab"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir + "/alp",
			wantCands: []string{"alpha", "alpine"},
		},
		{
			name:      "tab twice goes down",
			keys:      []any{"d", text("/alph"), "tab", "tab"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir + "/alpha/inner/",
		},
		{
			name:      "enter serves the folder",
			keys:      []any{"d", text("/alph"), "tab", "enter"},
			wantMode:  modeMain,
			wantRoot:  dir + "/alpha",
			wantCalls: 1,
		},
		{
			name:      "a relative folder is relative to the served one",
			keys:      []any{"d", clear(len(dir)), text("beta"), "enter"},
			wantMode:  modeMain,
			wantRoot:  dir + "/beta",
			wantCalls: 1,
		},
		{
			name:      "a missing folder is refused; the old one stays",
			keys:      []any{"d", text("/missing"), "enter"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir + "/missing",
			wantErr:   "no such file or directory",
			wantCalls: 1,
		},
		{
			name:      "a file is refused",
			keys:      []any{"d", text("/alps.txt"), "enter"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir + "/alps.txt",
			wantErr:   "is not a folder",
			wantCalls: 1,
		},
		{
			name:      "nothing typed is refused without asking the server",
			keys:      []any{"d", clear(len(dir)), "enter"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantErr:   "type a folder",
			wantCalls: 0,
		},
		{
			name:      "editing clears the error",
			keys:      []any{"d", text("/missing"), "enter", "backspace"},
			wantMode:  modeFolder,
			wantRoot:  dir,
			wantValue: dir + "/missin",
			wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctrl := newFakeCtrl()
			ctrl.root = dir
			// Wide enough for the temporary folder's long name in errors.
			m, _ := newTest(t, ctrl, 250, 40)
			for _, k := range tt.keys {
				switch k := k.(type) {
				case string:
					m = update(t, m, press(k))
				case text:
					m = update(t, m, typeText(string(k))...)
				case clear:
					for range int(k) {
						m = update(t, m, press("backspace"))
					}
				}
			}
			if m.mode != tt.wantMode {
				t.Errorf("mode: got %d, want %d", m.mode, tt.wantMode)
			}
			if got := ctrl.Root(); got != tt.wantRoot {
				t.Errorf("controller root: got %q, want %q", got, tt.wantRoot)
			}
			if m.root != ctrl.Root() || m.header.root != ctrl.Root() {
				t.Errorf("model root %q, header %q: want the controller's %q", m.root, m.header.root, ctrl.Root())
			}
			if got := len(ctrl.Calls()); got != tt.wantCalls {
				t.Errorf("SetRoot calls: got %d (%q), want %d", got, ctrl.Calls(), tt.wantCalls)
			}
			if tt.wantMode != modeFolder {
				return
			}
			if got := m.input.value(); got != tt.wantValue {
				t.Errorf("value: got %q, want %q", got, tt.wantValue)
			}
			if tt.wantErr == "" && m.input.err != "" || !strings.Contains(m.input.err, tt.wantErr) {
				t.Errorf("error: got %q, want one containing %q", m.input.err, tt.wantErr)
			}
			if !slices.Equal(m.input.cands, tt.wantCands) {
				t.Errorf("candidates: got %q, want %q", m.input.cands, tt.wantCands)
			}
			if tt.wantErr != "" && !strings.Contains(m.View().Content, tt.wantErr) {
				t.Errorf("the view does not show the error %q", tt.wantErr)
			}
		})
	}
}

// text is typed into the input; clear is that many backspaces.
type (
	text  string
	clear int
)

func TestFolderCandidatesEscaped(t *testing.T) {
	dir := tree(t)
	ctrl := newFakeCtrl()
	ctrl.root = dir
	m, _ := newTest(t, ctrl, 120, 30)
	m = update(t, m, press("d"), press("tab")) // root has no slash at the end
	m = update(t, m, typeText("/")...)
	m = update(t, m, press("tab"))
	view := m.View().Content
	if !strings.Contains(view, `gamma\x1bx/`) {
		t.Errorf("view does not show the escaped candidate gamma\\x1bx/:\n%s", view)
	}
	if strings.Contains(view, "gamma\x1bx") {
		t.Error("view holds a raw ESC from a folder name")
	}
}
