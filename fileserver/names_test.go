package fileserver

import (
	"net/http"
	"testing"
)

func TestHiddenName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{".env", true},
		{".GIT", true},
		{".", true},
		{"desktop.ini", true},
		{"Desktop.ini", true},
		{"DESKTOP.INI", true},
		{"Thumbs.db", true},
		{"THUMBS.DB", true},
		{"$RECYCLE.BIN", true},
		{"$Recycle.Bin", true},
		{"System Volume Information", true},
		{"SYSTEM VOLUME INFORMATION", true},
		{"thumbs.db.txt", false},
		{"my desktop.ini", false},
		{"desktop.in", false},
		{"report.pdf", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := hiddenName(tc.name); got != tc.want {
			t.Errorf("hiddenName(%q): got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReservedWindowsName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"CON", true}, {"con", true}, {"Con", true}, {"PRN", true}, {"AUX", true}, {"NUL", true},
		{"nul.txt", true}, {"NUL.tar.gz", true}, {"aux.c", true}, {"CON .txt", true}, {"con ", true},
		{"COM1", true}, {"com9.log", true}, {"LPT1", true}, {"lpt9", true},
		{"COM¹", true}, {"com².txt", true}, {"LPT³", true},
		{"CONIN$", true}, {"conout$.txt", true}, {"nul:stream", true},
		{"COM0", false}, {"LPT0", false}, {"COM10", false}, {"COM⁴", false},
		{"CONSOLE", false}, {"nully.txt", false}, {"xnul", false}, {"con_", false},
		{"a.con", false}, {"", false}, {"report.pdf", false},
	}
	for _, tc := range tests {
		if got := reservedWindowsName(tc.name); got != tc.want {
			t.Errorf("reservedWindowsName(%q): got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWindowsNameProblem(t *testing.T) {
	tests := []struct {
		name      string
		onWindows bool // refused on Windows
		elsewhere bool // refused on other systems
	}{
		{"report.pdf", false, false},
		{"café ☕.txt", false, false},
		{"a&b;c #1%.txt", false, false},
		{"NUL", true, true},
		{"nul.txt", true, true},
		{"COM1.tar.gz", true, true},
		{"LPT²", true, true},
		{"trailing.", true, true},
		{"trailing ", true, true},
		{"name...", true, true},
		{"x.txt::$DATA", true, true},
		{"x:stream", true, true},
		{"C:", true, true},
		{`a\b`, true, true},
		{"tab\there", true, true},
		{"what?.txt", true, false},
		{"star*", true, false},
		{`quote".txt`, true, false},
		{"a<b>c|d", true, false},
		{".", false, false},
		{"..", false, false},
		{".env", false, false}, // hidden, not invalid: hiddenName decides
	}
	for _, tc := range tests {
		for _, goos := range []string{"windows", "linux", "darwin", "freebsd"} {
			want := tc.elsewhere
			if goos == "windows" {
				want = tc.onWindows
			}
			if got := windowsNameProblem(tc.name, goos) != ""; got != want {
				t.Errorf("windowsNameProblem(%q, %s) refuses: got %v, want %v", tc.name, goos, got, want)
			}
		}
	}
}

// TestURLNameStatus: what clean answers for one path element, by OS.
func TestURLNameStatus(t *testing.T) {
	tests := []struct {
		name           string
		hidden         bool
		windows, linux int
	}{
		{"report.pdf", false, 0, 0},
		{".git", false, 404, 404},
		{".git", true, 0, 0},
		{".GIT", false, 404, 404},
		{"Desktop.ini", false, 404, 404},
		{"THUMBS.DB", false, 404, 404},
		{"THUMBS.DB", true, 0, 0},
		{"$RECYCLE.BIN", false, 404, 404},
		{"System Volume Information", false, 404, 404},
		{"nul.txt", false, 400, 0}, // on Unix an ordinary file
		{"aux.c", false, 400, 0},
		{"COM¹", false, 400, 0},
		{"x.txt::$DATA", false, 400, 0},
		{"x:stream", false, 400, 0},
		{"secret.txt.", false, 400, 0},
		{"secret.txt ", false, 400, 0},
		{"what?.txt", false, 400, 0},
		{"desktop.ini.", false, 400, 0}, // Windows would open desktop.ini
		{"desktop.ini.", true, 400, 0},
	}
	for _, tc := range tests {
		for goos, want := range map[string]int{"windows": tc.windows, "linux": tc.linux, "darwin": tc.linux} {
			if got := urlNameStatus(tc.name, tc.hidden, goos); got != want {
				t.Errorf("urlNameStatus(%q, hidden %v, %s): got %d, want %d", tc.name, tc.hidden, goos, got, want)
			}
		}
	}
}

// TestCleanNames: clean applies the name rules to every element, on the
// quick path for clean paths too.
func TestCleanNames(t *testing.T) {
	s := &Server{}
	tests := []struct {
		path   string
		status int
	}{
		{"/a/b.txt", 0},
		{"/Desktop.ini", http.StatusNotFound},
		{"/sub/THUMBS.DB", http.StatusNotFound},
		{"/$RECYCLE.BIN/x", http.StatusNotFound},
		{"/sub/.GIT/config", http.StatusNotFound},
		{"/sub//Thumbs.db", http.StatusNotFound},
		{`/a\b`, http.StatusBadRequest},
		{"/../x", http.StatusBadRequest},
	}
	for _, tc := range tests {
		if _, got := s.clean(tc.path); got != tc.status {
			t.Errorf("clean(%q): got status %d, want %d", tc.path, got, tc.status)
		}
	}
}

func TestOtherForm(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"caf\u00e9", "cafe\u0301", true}, // NFC → NFD
		{"cafe\u0301", "caf\u00e9", true}, // NFD → NFC
		{"plain.txt", "", false},
		{"\xffcaf\u00e9", "", false}, // not UTF-8: left alone
	}
	for _, tc := range tests {
		if got, ok := otherForm(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("otherForm(%q): got %q, %v, want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
