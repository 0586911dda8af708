//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"shareit/transfer/testkit"
)

// The TUI end to end: the real binary (built by TestMain) in a real
// terminal, tmux, driven with send-keys and read with capture-pane.

// The terminal the TUI runs in.
const tuiCols, tuiRows = 120, 40

// tuiSession is shareit running in a detached tmux session on a tmux server
// of its own (-L), so the test never touches the user's tmux. The tests
// that use it run on Linux only: tmux needs a pseudo-terminal, which
// Windows does not have, and queued reads the sockets' queues from
// /proc/net/tcp.
type tuiSession struct {
	t      *testing.T
	socket string
	status string // the file the exit status is written to
	logged bool   // the screen was logged after a failure
}

// shQuote quotes s for sh.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// startTUISession runs shareit with args in a tuiCols×tuiRows tmux session
// and kills that tmux server at the end of the test.
func startTUISession(t *testing.T, args ...string) *tuiSession {
	t.Helper()
	return startSession(t, bin, args...)
}

// startSession runs program with args in a tmux session, as startTUISession.
func startSession(t *testing.T, program string, args ...string) *tuiSession {
	t.Helper()
	s, _ := newSession(t, "test")
	// The shell notes the terminal's settings before and after shareit,
	// writes the exit status through a temporary file so that a reader never
	// sees it half written, then stays, so that the test can look at the
	// terminal shareit left behind.
	s.launch(fmt.Sprintf(`stty -a > %[1]s.before; %[2]s %[3]s; code=$?; stty -a > %[1]s.after; `+
		`echo $code > %[1]s.tmp && mv %[1]s.tmp %[1]s; exec sleep 600`,
		shQuote(s.status), shQuote(program), shJoin(args)))
	return s
}

// newSession makes a session on a tmux server of its own, named after the
// test kind, with a temporary folder for its files; launch starts it.
func newSession(t *testing.T, kind string) (*tuiSession, string) {
	t.Helper()
	needTools(t, "tmux")
	dir := t.TempDir()
	return &tuiSession{
		t:      t,
		socket: fmt.Sprintf("shareit-%s-%d-%d", kind, os.Getpid(), time.Now().UnixNano()),
		status: filepath.Join(dir, "status"),
	}, dir
}

// launch runs script with sh in a tuiCols×tuiRows tmux session, and kills
// that tmux server at the end of the test.
func (s *tuiSession) launch(script string) {
	s.t.Helper()
	cmd := exec.Command("tmux", "-L", s.socket, "-f", os.DevNull, "new-session", "-d", "-s", "shareit",
		"-x", strconv.Itoa(tuiCols), "-y", strconv.Itoa(tuiRows), "sh -c "+shQuote(script))
	cmd.Env = append(os.Environ(), "TMUX=", "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	// tmux leaves its socket behind when the server is killed.
	sock, _ := s.run("display-message", "-p", "#{socket_path}")
	s.t.Cleanup(func() {
		s.logScreenOnFailure()
		exec.Command("tmux", "-L", s.socket, "kill-server").Run()
		if sock = strings.TrimSpace(sock); sock != "" {
			os.Remove(sock)
		}
	})
}

// shJoin quotes each of args for sh and joins them with spaces.
func shJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shQuote(a)
	}
	return strings.Join(quoted, " ")
}

// logScreenOnFailure logs the screen, once, if the test failed.
func (s *tuiSession) logScreenOnFailure() {
	if !s.t.Failed() || s.logged {
		return
	}
	s.logged = true
	out, err := s.run("capture-pane", "-p", "-t", "shareit")
	if err != nil {
		out = err.Error()
	}
	s.t.Logf("the screen when the test failed:\n%s", out)
}

func (s *tuiSession) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func (s *tuiSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := s.run(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// screen is what the pane shows now, as text.
func (s *tuiSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", "shareit")
}

// keys sends key names as tmux spells them (p, Enter, C-u).
func (s *tuiSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "shareit"}, keys...)...)
}

// typeText types text literally.
func (s *tuiSession) typeText(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "shareit", "-l", text)
}

// waitScreen waits for a screen line matching re and returns its submatches.
func (s *tuiSession) waitScreen(what string, re *regexp.Regexp) []string {
	s.t.Helper()
	var m []string
	testkit.Eventually(s.t, waitFor, what, func() bool {
		for _, line := range strings.Split(s.screen(), "\n") {
			if m = re.FindStringSubmatch(line); m != nil {
				return true
			}
		}
		if _, err := os.Stat(s.status); err == nil {
			s.t.Fatalf("shareit exited while waiting for %s", what)
		}
		return false
	})
	return m
}

// exitStatus is shareit's exit status once it has exited.
func (s *tuiSession) exitStatus() (int, bool) {
	b, err := os.ReadFile(s.status)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		s.t.Fatalf("exit status file: %v", err)
	}
	return n, true
}

// queued is how many bytes of the connections to or from port on
// 127.0.0.1 wait in the kernel: sent but not acknowledged, or received but
// not read. Linux only, like the rest of these tests.
func queued(t *testing.T, port int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Fatalf("reading the sockets' queues: %v", err)
	}
	hexPort := fmt.Sprintf(":%04X", port)
	var n int64
	for _, line := range strings.Split(string(b), "\n")[1:] {
		// sl local_address rem_address st tx_queue:rx_queue ...
		f := strings.Fields(line)
		if len(f) < 5 || f[3] == "0A" || // LISTEN
			!strings.HasSuffix(f[1], hexPort) && !strings.HasSuffix(f[2], hexPort) {
			continue
		}
		tx, rx, _ := strings.Cut(f[4], ":")
		for _, q := range []string{tx, rx} {
			v, err := strconv.ParseInt(q, 16, 64)
			if err != nil {
				t.Fatalf("/proc/net/tcp: queue %q: %v", f[4], err)
			}
			n += v
		}
	}
	return n
}

// pacedDownload fetches url with Go's client, reading about 1 MiB/s, and
// counts every byte taken from the connection. Unlike curl --limit-rate,
// which can hold received bytes unwritten, nothing it has received is out
// of sight: what the server sent is this count plus the kernel's queues
// (and at most the transport's 4 KiB read buffer, drained by the next read).
type pacedDownload struct {
	n    atomic.Int64
	done chan error
}

func startPacedDownload(t *testing.T, url string) *pacedDownload {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &pacedDownload{done: make(chan error, 1)}
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			d.done <- err
			return
		}
		defer resp.Body.Close()
		buf := make([]byte, 16<<10)
		tick := time.NewTicker(16 * time.Millisecond) // 16 KiB a tick: ~1 MiB/s
		defer tick.Stop()
		for {
			n, err := resp.Body.Read(buf)
			d.n.Add(int64(n))
			if err != nil {
				d.done <- err
				return
			}
			<-tick.C
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-d.done
	})
	return d
}

// drainFor bounds the wait for a paused download to settle: the reader
// takes in what was in flight at its own pace, and the socket buffers may
// hold megabytes (tcp_rmem's and tcp_wmem's maxima): seconds at 1 MiB/s.
const drainFor = 60 * time.Second

// waitStill waits until d has not grown for quiet while nothing is on its
// way to it, and returns its count.
func waitStill(t *testing.T, what string, d *pacedDownload, port int, quiet time.Duration) int64 {
	t.Helper()
	start := time.Now()
	last, since := d.n.Load(), time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; time.Since(since) < quiet; <-tick.C {
		if time.Since(start) > drainFor {
			t.Fatalf("gave up after %v waiting for %s: at %d bytes, %d more queued", drainFor, what, last, queued(t, port))
		}
		if n := d.n.Load(); n != last || queued(t, port) != 0 {
			last, since = n, time.Now()
		}
	}
	t.Logf("%s: still at %d bytes after %v", what, last, time.Since(start).Round(time.Millisecond))
	return last
}

func TestTUIEndToEnd(t *testing.T) {
	needTools(t, "tmux")
	const bigName = "big.bin"
	const size = 64 << 20
	share := t.TempDir()
	sparseFile(t, filepath.Join(share, bigName), size)
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "second.txt"), []byte("second folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", share)
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	port, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:" + m[1] + "/"

	// A slow download shows as a row with its name and a percent.
	dl := startPacedDownload(t, base+bigName)
	t.Cleanup(s.logScreenOnFailure) // before the download is cancelled
	s.waitScreen("the download's row", regexp.MustCompile(regexp.QuoteMeta(bigName)+`.*\b\d{1,3}%`))
	testkit.Eventually(t, waitFor, "the download to start", func() bool { return dl.n.Load() > 0 })

	// p pauses: bytes stop, once what was in flight has arrived.
	s.keys("p")
	s.waitScreen("the header to say paused", regexp.MustCompile(`● paused`))
	still := waitStill(t, "the download to stop growing", dl, port, 2*time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); <-tick.C {
		if n, q := dl.n.Load(), queued(t, port); n != still || q != 0 {
			t.Fatalf("paused: the download grew from %d to %d bytes, %d more on their way", still, n, q)
		}
	}
	tick.Stop()
	if still >= size {
		t.Fatalf("the download finished (%d bytes) before the pause was tested", still)
	}

	// p again resumes the same download.
	s.keys("p")
	s.waitScreen("the header to say serving", regexp.MustCompile(`● serving`))
	testkit.Eventually(t, waitFor, "the download to grow again", func() bool { return dl.n.Load() > still })

	// d serves another folder.
	s.keys("d")
	s.waitScreen("the folder input", regexp.MustCompile(`serve folder:`))
	s.keys("C-u")
	s.waitScreen("the input to be empty", regexp.MustCompile(`^serve folder:\s*$`))
	s.typeText(other)
	s.waitScreen("the typed folder", regexp.MustCompile(`serve folder: `+regexp.QuoteMeta(other)))
	s.keys("Enter")
	s.waitScreen("the switch to be confirmed", regexp.MustCompile(`^now serving `))
	testkit.Eventually(t, waitFor, "a new request for /?json to list second.txt alone", func() bool {
		code, body := get(t, port, "/?json")
		var entries []struct{ Name string }
		if code != 200 || json.Unmarshal([]byte(body), &entries) != nil {
			return false
		}
		return len(entries) == 1 && entries[0].Name == "second.txt"
	})

	// q quits, after asking since the download still runs.
	s.keys("q")
	asked := regexp.MustCompile(`still running\. Quit anyway\? \(y/n\)`)
	testkit.Eventually(t, waitFor, "shareit to ask or exit", func() bool {
		if _, ok := s.exitStatus(); ok {
			return true
		}
		if asked.MatchString(s.screen()) {
			s.keys("y")
			return true
		}
		return false
	})
	var code int
	testkit.Eventually(t, waitFor, "shareit to exit", func() bool {
		var ok bool
		code, ok = s.exitStatus()
		return ok
	})
	if code != 0 {
		t.Errorf("exit status: got %d, want 0", code)
	}

	s.checkRestored()

	// The port is free.
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("port %d after exit: %v", port, err)
	}
	l.Close()
}

// checkRestored checks the terminal is as it was before the program ran:
// main screen, cursor shown, no mouse or keypad modes left on, the same
// stty settings, and nothing of the TUI on it.
func (s *tuiSession) checkRestored() {
	t := s.t
	t.Helper()
	flags := strings.Fields(s.tmux("display-message", "-p", "-t", "shareit",
		"alternate_on=#{alternate_on} cursor_flag=#{cursor_flag} mouse_any_flag=#{mouse_any_flag} "+
			"mouse_sgr_flag=#{mouse_sgr_flag} keypad_cursor_flag=#{keypad_cursor_flag} insert_flag=#{insert_flag}"))
	want := map[string]string{"alternate_on": "0", "cursor_flag": "1", "mouse_any_flag": "0",
		"mouse_sgr_flag": "0", "keypad_cursor_flag": "0", "insert_flag": "0"}
	for _, f := range flags {
		k, v, _ := strings.Cut(f, "=")
		if want[k] != v {
			t.Errorf("terminal after exit: got %s=%s, want %s", k, v, want[k])
		}
	}
	if scr := s.screen(); strings.Contains(scr, "Transfers") || strings.Contains(scr, "serve folder") {
		t.Errorf("terminal after exit still shows the TUI:\n%s", scr)
	}
	before, err1 := os.ReadFile(s.status + ".before")
	after, err2 := os.ReadFile(s.status + ".after")
	if err1 != nil || err2 != nil || len(before) == 0 {
		t.Fatalf("the terminal's settings: %v, %v", err1, err2)
	}
	if string(before) != string(after) {
		t.Errorf("terminal settings after exit:\n%s\nwant as before:\n%s", after, before)
	}

}

// TestTUIRestoresTerminalOnPanic runs the TUI with a controller that panics
// when p is pressed (tui/testdata/panicker) and checks the crash leaves the
// terminal as it found it.
func TestTUIRestoresTerminalOnPanic(t *testing.T) {
	needTools(t, "tmux")
	panicker := filepath.Join(t.TempDir(), "panicker")
	build := exec.Command("go", "build", "-o", panicker, "./tui/testdata/panicker")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build panicker: %v\n%s", err, out)
	}
	s := startSession(t, panicker)
	s.waitScreen("the TUI to draw", regexp.MustCompile(`Transfers`))
	s.keys("p")
	var code int
	testkit.Eventually(t, waitFor, "the crashed TUI to exit", func() bool {
		var ok bool
		code, ok = s.exitStatus()
		return ok
	})
	if code == 0 {
		t.Errorf("exit status after a panic: got 0, want non-zero")
	}
	s.checkRestored()
}
