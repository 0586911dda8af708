package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestStepRate(t *testing.T) {
	tests := []struct {
		cur      int64
		up, down int64
	}{
		{0, 0, 100e6},         // off is no limit: + keeps it, - sets the top step
		{100e6, 0, 50e6},      // + past the top step turns the cap off
		{2e6, 5e6, 1e6},       // on the ladder
		{100e3, 500e3, 100e3}, // - stays at the lowest step
		{1572864, 2e6, 1e6},   // --rate 1.5MiB/s, between steps
		{50e3, 100e3, 100e3},  // --rate below the ladder
		{200e6, 0, 100e6},     // --rate above the ladder
		{1e6 + 1, 2e6, 1e6},   // just above a step
		{500e3 - 1, 500e3, 100e3},
	}
	for _, tt := range tests {
		if got := stepRate(tt.cur, true); got != tt.up {
			t.Errorf("stepRate(%d, up): got %d, want %d", tt.cur, got, tt.up)
		}
		if got := stepRate(tt.cur, false); got != tt.down {
			t.Errorf("stepRate(%d, down): got %d, want %d", tt.cur, got, tt.down)
		}
	}
}

func TestRateKeys(t *testing.T) {
	tests := []struct {
		name      string
		start     int64
		keys      []string
		wantCalls []string
		wantRate  int64
		status    string // the status line says this
		cap       string // the header's second line says this; "" = no cap shown
	}{
		{"minus from off", 0, []string{"-"}, []string{"SetRate(100000000)"}, 100e6, "rate cap: 100 MB/s per client", "cap 100 MB/s per client"},
		{"down the ladder", 0, []string{"-", "-", "-"}, []string{"SetRate(100000000)", "SetRate(50000000)", "SetRate(10000000)"}, 10e6, "rate cap: 10 MB/s", "cap 10 MB/s"},
		{"plus turns off at the top", 100e6, []string{"+"}, []string{"SetRate(0)"}, 0, "rate cap off", ""},
		{"= is + unshifted", 1e6, []string{"="}, []string{"SetRate(2000000)"}, 2e6, "rate cap: 2 MB/s", "cap 2 MB/s"},
		{"plus when off does nothing", 0, []string{"+"}, nil, 0, "no rate cap", ""},
		{"lowest stays", 100e3, []string{"-"}, nil, 100e3, "already at its lowest", "cap 100 KB/s"},
		{"from --rate 1.5MiB/s", 1572864, []string{"+"}, []string{"SetRate(2000000)"}, 2e6, "rate cap: 2 MB/s", "cap 2 MB/s"},
		{"up and back", 500e3, []string{"+", "-"}, []string{"SetRate(1000000)", "SetRate(500000)"}, 500e3, "rate cap: 500 KB/s", "cap 500 KB/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFakeCtrl()
			c.rate = tt.start
			m, _ := newTest(t, c, 120, 30)
			for _, k := range tt.keys {
				m = update(t, m, press(k))
			}
			if got := c.Calls(); !slices.Equal(got, tt.wantCalls) {
				t.Errorf("calls: got %q, want %q", got, tt.wantCalls)
			}
			if got := c.Rate(); got != tt.wantRate {
				t.Errorf("rate: got %d, want %d", got, tt.wantRate)
			}
			lines := strings.Split(ansi.Strip(m.View().Content), "\n")
			if got := m.status.text; !strings.Contains(got, tt.status) {
				t.Errorf("status: got %q, want it to contain %q", got, tt.status)
			}
			switch line2 := lines[1]; {
			case tt.cap == "" && strings.Contains(line2, "cap"):
				t.Errorf("header: got %q, want no cap shown", line2)
			case tt.cap != "" && !strings.Contains(line2, tt.cap):
				t.Errorf("header: got %q, want it to contain %q", line2, tt.cap)
			}
		})
	}
}

// TestRateKeysOnlyOnTheMainScreen: typing a folder name with a '-' in it
// does not change the cap.
func TestRateKeysOnlyOnTheMainScreen(t *testing.T) {
	c := newFakeCtrl()
	m, _ := newTest(t, c, 120, 30)
	m = update(t, m, press("d"))
	m = update(t, m, typeText("my-files+more")...)
	if got := c.Calls(); len(got) != 0 {
		t.Errorf("calls while typing: got %q, want none", got)
	}
	if got := m.input.value(); !strings.HasSuffix(got, "my-files+more") {
		t.Errorf("input: got %q, want it to end with %q", got, "my-files+more")
	}
}

func TestHeaderFingerprint(t *testing.T) {
	const fp = "3F:0A:94:77:1B:C2:5D:E8:09:6A:F1:23:4B:8C:D7:60:AA:15:9E:32:C4:7B:08:5F:E1:6D:29:B3:40:F8:CC:71"
	tests := []struct {
		w    int
		want string // line 3 of the screen
	}{
		{140, "TLS SHA-256 " + fp},
		{107, "TLS SHA-256 " + fp},
		{106, "TLS SHA-256 3F:0A:94:77:1B:C2:5D:E8…E1:6D:29:B3:40:F8:CC:71"},
		{80, "TLS SHA-256 3F:0A:94:77:1B:C2:5D:E8…E1:6D:29:B3:40:F8:CC:71"},
		{60, "TLS SHA-256 3F:0A:94:77:1B:C2:5D:E8…E1:6D:29:B3:40:F8:CC:71"},
	}
	for _, tt := range tests {
		c := newFakeCtrl()
		m := New(c, nil, Options{Version: "1.0.0", Now: (&clock{t0}).Now, Started: t0, Fingerprint: fp})
		for _, h := range []int{16, 24, 40} {
			m = update(t, m, busy(), tea.WindowSizeMsg{Width: tt.w, Height: h})
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) != h {
				t.Fatalf("%dx%d: got %d lines, want %d", tt.w, h, len(lines), h)
			}
			for i, l := range lines {
				if lw := ansi.StringWidth(l); lw > tt.w {
					t.Fatalf("%dx%d: line %d is %d wide: %q", tt.w, h, i, lw, ansi.Strip(l))
				}
			}
			if got := heightsSum(m.lay); got != h {
				t.Fatalf("%dx%d: the layout's heights add up to %d, want %d", tt.w, h, got, h)
			}
			if got := strings.TrimRight(ansi.Strip(lines[2]), " "); got != tt.want {
				t.Errorf("%dx%d: line 3: got %q, want %q", tt.w, h, got, tt.want)
			}
			if got := ansi.Strip(lines[3]); strings.Contains(got, "TLS") {
				t.Errorf("%dx%d: line 4: got %q, want the panels to start there", tt.w, h, got)
			}
		}
	}
}
