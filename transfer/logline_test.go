package transfer_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"shareit/transfer"
)

var when = time.Date(2026, time.November, 21, 8, 36, 17, 123456789, time.FixedZone("", 0))

func TestLogLineFormat(t *testing.T) {
	tests := []struct {
		name string
		line transfer.LogLine
		want string
	}{
		{
			"documented example",
			transfer.LogLine{Time: when, Client: "192.168.1.7", Method: "GET", URI: "/a.iso", Proto: "HTTP/1.1",
				Status: 200, Bytes: 1048576, UserAgent: "curl/8.5.0", Duration: 1204 * time.Millisecond},
			`192.168.1.7 - - [21/Nov/2026:08:36:17 +0000] "GET /a.iso HTTP/1.1" 200 1048576 "-" "curl/8.5.0" 1.204s`,
		},
		{
			"user, referer, zone east, no body",
			transfer.LogLine{Time: when.In(time.FixedZone("CET", 3600)), Client: "10.0.0.2", User: "alice",
				Method: "GET", URI: "/missing?q=1", Proto: "HTTP/1.1", Status: 404, Referer: "http://10.0.0.1:8000/",
				UserAgent: "Mozilla/5.0 (X11; Linux x86_64)", Duration: 4 * time.Millisecond},
			`10.0.0.2 - alice [21/Nov/2026:09:36:17 +0100] "GET /missing?q=1 HTTP/1.1" 404 - "http://10.0.0.1:8000/" "Mozilla/5.0 (X11; Linux x86_64)" 0.004s`,
		},
		{
			"zone west, HEAD, zero duration",
			transfer.LogLine{Time: when.In(time.FixedZone("", -(5*3600 + 30*60))), Client: "::1", Method: "HEAD",
				URI: "/", Proto: "HTTP/1.0", Status: 200},
			`::1 - - [21/Nov/2026:03:06:17 -0530] "HEAD / HTTP/1.0" 200 - "-" "-" 0.000s`,
		},
		{
			"durations are truncated to the millisecond",
			transfer.LogLine{Time: when, Client: "10.0.0.3", Method: "GET", URI: "/b", Proto: "HTTP/1.1",
				Status: 206, Bytes: 1, Duration: 61*time.Second + 500*time.Millisecond + 999*time.Microsecond},
			`10.0.0.3 - - [21/Nov/2026:08:36:17 +0000] "GET /b HTTP/1.1" 206 1 "-" "-" 61.500s`,
		},
		{
			"tens of milliseconds",
			transfer.LogLine{Time: when, Client: "10.0.0.3", Method: "GET", URI: "/b", Proto: "HTTP/1.1",
				Status: 200, Bytes: 10, Duration: 45 * time.Millisecond},
			`10.0.0.3 - - [21/Nov/2026:08:36:17 +0000] "GET /b HTTP/1.1" 200 10 "-" "-" 0.045s`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.line.AppendText([]byte("prefix:"))
			if err != nil {
				t.Fatalf("AppendText: %v", err)
			}
			if string(got) != "prefix:"+tt.want {
				t.Errorf("AppendText:\ngot  %s\nwant prefix:%s", got, tt.want)
			}
			if s := tt.line.String(); s != tt.want {
				t.Errorf("String:\ngot  %s\nwant %s", s, tt.want)
			}
		})
	}
}

// hostile strings a client controls, each with what Printable makes of it.
var hostile = []struct {
	name, in, printable string
}{
	{"ESC", "a\x1bb", `a\x1bb`},
	{"CSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
	{"clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
	{"OSC title", "\x1b]0;title\x07", `\x1b]0;title\x07`},
	{"OSC 8 link", "\x1b]8;;http://evil/\x1b\\x\x1b]8;;\x1b\\", `\x1b]8;;http://evil/\x1b\\x\x1b]8;;\x1b\\`},
	{"BEL", "ding\a", `ding\x07`},
	{"NUL", "a\x00b", `a\x00b`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"newline and CR", "a\r\nb", `a\x0d\x0ab`},
	{"tab", "a\tb", `a\x09b`},
	{"C1 CSI as UTF-8", "a\u009b31mb", `a\u{9b}31mb`},
	{"C1 NEL", "a\u0085b", `a\u{85}b`},
	{"8-bit CSI byte", "a\x9b31mb", `a\x9b31mb`},
	{"RLO", "abc\u202etxt.exe", `abc\u{202e}txt.exe`},
	{"LRI and PDI", "\u2066x\u2069", `\u{2066}x\u{2069}`},
	{"marks", "\u200e\u200f\u061c", `\u{200e}\u{200f}\u{61c}`},
	{"backslash", `a\b`, `a\\b`},
	{"fake escape", `\x1b`, `\\x1b`},
	{"quote", `say "hi"`, `say "hi"`},
	{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
	{"UTF-16 surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
	{"overlong slash", "\xc0\xaf", `\xc0\xaf`},
}

func TestPrintable(t *testing.T) {
	plain := []string{"", "a.iso", "café", "日本語/ファイル.txt", "emoji 😀", "spaces and (brackets) [x] {y}",
		"U+FFFD \ufffd is text", "ß Ω ✓", `"quoted"`, "100%"}
	for _, s := range plain {
		t.Run("plain "+s, func(t *testing.T) {
			if got := transfer.Printable(s); got != s {
				t.Errorf("Printable(%q): got %q, want it unchanged", s, got)
			}
			if n := testing.AllocsPerRun(10, func() { transfer.Printable(s) }); n != 0 {
				t.Errorf("Printable(%q): got %v allocations, want 0 for text that needs no escaping", s, n)
			}
		})
	}
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			got := transfer.Printable(tt.in)
			if got != tt.printable {
				t.Errorf("Printable(%q): got %s, want %s", tt.in, got, tt.printable)
			}
			checkSafe(t, got)
			if back, err := unescape(got); err != nil || back != tt.in {
				t.Errorf("unescape(%s): got %q, %v, want %q", got, back, err, tt.in)
			}
		})
	}
}

// quoted is one double-quoted log field; escapes may hide quotes inside.
const quoted = `"((?:[^"\\]|\\.)*)"`

var logLineRE = regexp.MustCompile(`^(\S+) - (\S+) \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] ` + quoted +
	` (\d{3}) (\d+|-) ` + quoted + ` ` + quoted + ` (\d+\.\d{3})s$`)

func TestLogLineEscaping(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			l := transfer.LogLine{Time: when, Client: "10.0.0.1", Method: "GET", URI: "/" + tt.in + `"`,
				Proto: "HTTP/1.1", Status: 200, Bytes: 5, Referer: tt.in, UserAgent: `"` + tt.in, Duration: time.Second}
			b, _ := l.AppendText(nil)
			line := string(b)
			checkSafe(t, line)
			m := logLineRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("line does not parse as one log line: %s", line)
			}
			for i, want := range map[int]string{4: "GET /" + tt.in + `"` + " HTTP/1.1", 7: tt.in, 8: `"` + tt.in} {
				if got, err := unescape(m[i]); err != nil || got != want {
					t.Errorf("field %d %s: unescaped to %q, %v, want %q", i, m[i], got, err, want)
				}
			}
			// Inside quotes a quote is escaped; outside, Printable's output.
			if !strings.Contains(line, strings.ReplaceAll(tt.printable, `"`, `\"`)) {
				t.Errorf("line %s does not hold %s", line, tt.printable)
			}
		})
	}
}

// checkSafe fails if s holds anything a terminal would act on.
func checkSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("not valid UTF-8: %q", s)
	}
	for i, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidi(r) {
			t.Errorf("raw %U at byte %d of %q", r, i, s)
		}
	}
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// unescape reverses the log escaping: \\, \", \xHH, \u{H…}. It proves the
// escaping loses nothing, so a log line can be read back exactly.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("trailing backslash in %q", s)
		}
		switch s[i+1] {
		case '\\', '"':
			b.WriteByte(s[i+1])
			i++
		case 'x':
			if i+4 > len(s) {
				return "", fmt.Errorf("short \\x in %q", s)
			}
			n, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				return "", err
			}
			b.WriteByte(byte(n))
			i += 3
		case 'u':
			end := strings.IndexByte(s[i:], '}')
			if i+2 >= len(s) || s[i+2] != '{' || end < 0 {
				return "", fmt.Errorf("bad \\u in %q", s)
			}
			n, err := strconv.ParseUint(s[i+3:i+end], 16, 32)
			if err != nil {
				return "", err
			}
			b.WriteRune(rune(n))
			i += end
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", s[i+1], s)
		}
	}
	return b.String(), nil
}

func TestLogLineAppendTextAllocs(t *testing.T) {
	l := transfer.LogLine{Time: when, Client: "192.168.1.7", Method: "GET", URI: "/a\x1b.iso", Proto: "HTTP/1.1",
		Status: 200, Bytes: 1048576, UserAgent: "curl/8.5.0 \u202e", Duration: 1204 * time.Millisecond}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf, _ = l.AppendText(buf[:0]) }); n != 0 {
		t.Errorf("AppendText into a reused buffer: got %v allocations, want 0", n)
	}
}

func FuzzPrintable(f *testing.F) {
	for _, tt := range hostile {
		f.Add(tt.in)
	}
	for _, s := range []string{"", "café", "plain.txt", "\\", "\\\\x00", "\xf4\x90\x80\x80", "\U0010FFFF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := transfer.Printable(s)
		checkSafe(t, got)
		back, err := unescape(got)
		if err != nil || back != s {
			t.Errorf("Printable(%q) = %q does not read back: got %q, %v", s, got, back, err)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidi(r) || r == '\\'
		}) && got != s {
			t.Errorf("Printable(%q): got %q, want plain text unchanged", s, got)
		}
	})
}

func FuzzLogLine(f *testing.F) {
	for _, tt := range hostile {
		f.Add("GET", "/"+tt.in, tt.in, "", int64(len(tt.in)))
	}
	f.Add("GET", "/a.iso", "curl/8.5.0", "alice", int64(0))
	f.Add("", "", "", "", int64(-1))
	f.Fuzz(func(t *testing.T, method, uri, ua, user string, n int64) {
		l := transfer.LogLine{Time: when, Client: "10.0.0.1", User: user, Method: method, URI: uri, Proto: "HTTP/1.1",
			Status: 200, Bytes: n, Referer: uri, UserAgent: ua, Duration: time.Duration(n&0xffff) * time.Millisecond}
		b, _ := l.AppendText(nil)
		line := string(b)
		checkSafe(t, line)
		if strings.Contains(user, " ") {
			return // a user name with a space cannot be split from the line
		}
		m := logLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line does not parse: %s", line)
		}
		for _, c := range []struct{ got, want string }{
			{m[2], user}, {m[4], method + " " + uri + " HTTP/1.1"}, {m[7], uri}, {m[8], ua},
		} {
			if c.want == "" {
				continue // shown as "-"
			}
			if got, err := unescape(c.got); err != nil || got != c.want {
				t.Errorf("field %s: unescaped to %q, %v, want %q", c.got, got, err, c.want)
			}
		}
	})
}
