//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"shareit/transfer/testkit"
)

// Terminal safety of the live view, run in tmux as a tuiSession: Linux only,
// as tuiSession says. TestHeadlessOutputIsSafe is the headless side.

// startGatedTUI runs shareit in a tmux session as startTUISession does,
// but only once the test has started recording every byte the pane's
// program writes (pipe-pane): nothing it writes is missed. It returns the
// session and the recording's path.
func startGatedTUI(t *testing.T, args ...string) (*tuiSession, string) {
	t.Helper()
	s, dir := newSession(t, "term")
	gate, rec := filepath.Join(dir, "go"), filepath.Join(dir, "output")
	s.launch(fmt.Sprintf(`while [ ! -e %[1]s ]; do sleep 0.05; done; %[2]s %[3]s; `+
		`echo $? > %[4]s.tmp && mv %[4]s.tmp %[4]s; exec sleep 600`,
		shQuote(gate), shQuote(bin), shJoin(args), shQuote(s.status)))
	s.tmux("pipe-pane", "-O", "-t", "shareit", "cat >> "+shQuote(rec))
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, rec
}

// termOutput is a terminal byte stream split into what a terminal acts on
// and what it shows.
type termOutput struct {
	text      strings.Builder // the printable characters, in order
	sequences []string        // escape sequences (CSI, OSC, DCS, ESC x), whole
	controls  map[byte]int    // C0 controls outside any sequence
	problems  []string        // C1, bidi, bytes not UTF-8, DEL
}

// scanTerminal splits b as a VT terminal reads it.
func scanTerminal(b []byte) *termOutput {
	o := &termOutput{controls: map[byte]int{}}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0x1b && i+1 < len(b):
			end := i + 2
			switch b[i+1] {
			case '[': // CSI: parameters, intermediates, a final byte
				for end < len(b) && (b[end] < 0x40 || b[end] > 0x7e) {
					end++
				}
				end = min(end+1, len(b))
			case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ST
				for end < len(b) && b[end] != 0x07 && !(b[end] == 0x1b && end+1 < len(b) && b[end+1] == '\\') {
					end++
				}
				if end < len(b) && b[end] == 0x1b {
					end++
				}
				end = min(end+1, len(b))
			default: // ESC, intermediates, a final byte
				for end < len(b) && b[end-1] >= 0x20 && b[end-1] <= 0x2f {
					end++
				}
			}
			o.sequences = append(o.sequences, string(b[i:end]))
			i = end
		case c < 0x20:
			o.controls[c]++
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if bad := badRune(r, size); bad != "" {
				o.problems = append(o.problems, fmt.Sprintf("%s at byte %d: %q", bad, i, b[max(0, i-30):min(len(b), i+10)]))
			} else {
				o.text.WriteRune(r)
			}
			i += size
		}
	}
	return o
}

// TestTUIOutputIsSafe runs the live view in tmux on a folder with a
// hostile name, lets clients download and upload files with hostile names
// and hostile user agents, and records every byte shareit writes to the
// terminal: the escaped names are on the screen, and nothing of the
// request data is ever a control sequence, a C1 or bidi character, or
// bytes that are not UTF-8. The window title stays shareit's own.
func TestTUIOutputIsSafe(t *testing.T) {
	needTools(t, "tmux", "curl")
	dir := hostileShare(t, 1<<30) // more than the socket buffers take in at once
	s, rec := startGatedTUI(t, "-b", "127.0.0.1", "-p", "0", "-u", dir)
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	port, _ := strconv.Atoi(m[1])
	base := "http://127.0.0.1:" + m[1]
	titleBefore := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "shareit", "#{pane_title}"))

	// A slow download of the big file stays on screen as a transfer row.
	slow := exec.Command("curl", "-s", "-o", os.DevNull, "--limit-rate", "64K", "-A", hostileUA,
		base+"/big-"+url.PathEscape(hostile))
	if err := slow.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		slow.Process.Kill()
		slow.Wait()
	})
	t.Cleanup(s.logScreenOnFailure) // before curl is killed
	headers := "Host: 127.0.0.1\r\nUser-Agent: " + hostileUA + "\r\nReferer: http://x/" + bidi + "\r\nConnection: close\r\n"
	rawRequest(t, port, "GET /small-"+url.PathEscape(hostile)+" HTTP/1.1\r\n"+headers+"\r\n")
	rawRequest(t, port, "GET /raw-\u009b2J-\u202e-\xff HTTP/1.1\r\n"+headers+"\r\n")
	rawRequest(t, port, "PUT /up-"+url.PathEscape(c1CSI+bidi)+" HTTP/1.1\r\n"+headers+"Content-Length: 2\r\n\r\nhi")

	s.waitScreen("the download's row, its name escaped", regexp.MustCompile(`big-evil-\\x1b\]0;`))
	s.waitScreen("the request log, escaped", regexp.MustCompile(`GET /raw-\\u\{9b\}2J-\\u\{202e\}-\\xff HTTP/1\.1`))
	s.waitScreen("the header, the folder's name escaped", regexp.MustCompile(`^shareit v\S+ .*\\u\{202e\}exe\.txt\\u\{202c\}`))

	s.keys("q")
	testkit.Eventually(t, waitFor, "shareit to ask or exit", func() bool {
		if _, ok := s.exitStatus(); ok {
			return true
		}
		if strings.Contains(s.screen(), "Quit anyway?") {
			s.keys("y")
			return true
		}
		return false
	})
	testkit.Eventually(t, waitFor, "shareit to exit", func() bool { _, ok := s.exitStatus(); return ok })
	if code, _ := s.exitStatus(); code != 0 {
		t.Errorf("exit status: got %d, want 0", code)
	}
	if title := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "shareit", "#{pane_title}")); title != titleBefore {
		t.Errorf("window title: got %q, want %q as before: a name set it", title, titleBefore)
	}

	// The recording is whole once it holds the TUI leaving the alternate
	// screen, the last thing it writes.
	var raw []byte
	testkit.Eventually(t, waitFor, "the recording to hold the TUI's exit", func() bool {
		var err error
		raw, err = os.ReadFile(rec)
		return err == nil && bytes.Contains(raw, []byte("\x1b[?1049l"))
	})
	out := scanTerminal(raw)
	t.Logf("recorded %d bytes: %d escape sequences, C0 controls outside them %v", len(raw), len(out.sequences), out.controls)
	for _, p := range out.problems {
		t.Errorf("the terminal got %s", p)
	}
	for _, seq := range out.sequences {
		if strings.Contains(seq, "PWNED") || strings.Contains(seq, "exe.txt") {
			t.Errorf("the terminal got a sequence made of request data: %q", seq)
		}
	}
	// Outside sequences the renderer moves with CR, LF and backspace, and
	// the quit rings no bell; a raw BEL or anything else came from a name.
	for c, n := range out.controls {
		if c != '\r' && c != '\n' && c != '\b' {
			t.Errorf("the terminal got C0 control %#02x %d times outside any sequence", c, n)
		}
	}
	text := out.text.String()
	for _, want := range []string{`big-evil-\x1b]0;`, `\u{202e}exe.txt`, `/raw-\u{9b}2J-\u{202e}-\xff`} {
		if !strings.Contains(text, want) {
			t.Errorf("the screen never showed %s, escaped", want)
		}
	}
}
