package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The TUI end to end: the real binary (built by TestMain) in a real
// terminal, tmux, driven with send-keys and read with capture-pane.

// tuiSize is the terminal the TUI runs in.
const tuiCols, tuiRows = 120, 40

// tuiSession is shareit running in a detached tmux session on a tmux server
// of its own (-L), so the test never touches the user's tmux.
type tuiSession struct {
	t      *testing.T
	socket string
	status string // the file the exit status is written to
}

// tuiNeed fails the test when a tool it drives is missing: the TUI's test
// is not optional, and `make test` installs them.
func tuiNeed(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for this test and was not found (%v): `make test` installs it", tool, err)
		}
	}
}

// shQuote quotes s for sh.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// startTUISession runs shareit with args in a tuiCols×tuiRows tmux session
// and kills that tmux server at the end of the test.
func startTUISession(t *testing.T, args ...string) *tuiSession {
	t.Helper()
	tuiNeed(t, "tmux")
	dir := t.TempDir()
	s := &tuiSession{
		t:      t,
		socket: fmt.Sprintf("shareit-test-%d-%d", os.Getpid(), time.Now().UnixNano()),
		status: filepath.Join(dir, "status"),
	}
	// The pane stays after shareit exits, so the test can look at the
	// terminal it left behind; no user configuration is read.
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shQuote(a)
	}
	// The status goes through a temporary file so that a reader never sees
	// it half written.
	script := fmt.Sprintf("%s %s; echo $? > %s.tmp && mv %s.tmp %s",
		shQuote(bin), strings.Join(quoted, " "), shQuote(s.status), shQuote(s.status), shQuote(s.status))
	cmd := exec.Command("tmux", "-L", s.socket, "-f", conf, "new-session", "-d", "-s", "shareit",
		"-x", strconv.Itoa(tuiCols), "-y", strconv.Itoa(tuiRows), "sh -c "+shQuote(script))
	cmd.Env = append(os.Environ(), "TMUX=", "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the screen at the end:\n%s", s.screenOrError())
		}
		exec.Command("tmux", "-L", s.socket, "kill-server").Run()
	})
	return s
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

func (s *tuiSession) screenOrError() string {
	out, err := s.run("capture-pane", "-p", "-t", "shareit")
	if err != nil {
		return err.Error()
	}
	return out
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
	eventually(s.t, what, func() bool {
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

// fileSize is the size of path, 0 before it exists.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// waitStill waits until path has not grown for quiet and returns its size.
func waitStill(t *testing.T, what, path string, quiet time.Duration) int64 {
	t.Helper()
	last, since := fileSize(path), time.Now()
	eventually(t, what, func() bool {
		if n := fileSize(path); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= quiet
	})
	return last
}

func TestTUIEndToEnd(t *testing.T) {
	tuiNeed(t, "tmux", "curl")
	const bigName = "big.bin"
	const size = 64 << 20
	share := t.TempDir()
	f, err := os.Create(filepath.Join(share, bigName))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil { // sparse: quick to make
		t.Fatal(err)
	}
	f.Close()
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
	out := filepath.Join(t.TempDir(), "out.bin")
	curl := exec.Command("curl", "--limit-rate", "1M", "-s", "-o", out, base+bigName)
	if err := curl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		curl.Process.Kill()
		curl.Wait()
	})
	s.waitScreen("the download's row", regexp.MustCompile(regexp.QuoteMeta(bigName)+`.*\b\d{1,3}%`))
	eventually(t, "the download to start", func() bool { return fileSize(out) > 0 })

	// p pauses: bytes stop, once what was in flight has arrived.
	s.keys("p")
	s.waitScreen("the header to say paused", regexp.MustCompile(`● paused`))
	still := waitStill(t, "the download to stop growing", out, 2*time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); <-tick.C {
		if n := fileSize(out); n != still {
			t.Fatalf("paused: the download grew from %d to %d bytes", still, n)
		}
	}
	tick.Stop()
	if still >= size {
		t.Fatalf("the download finished (%d bytes) before the pause was tested", still)
	}

	// p again resumes the same download.
	s.keys("p")
	s.waitScreen("the header to say serving", regexp.MustCompile(`● serving`))
	eventually(t, "the download to grow again", func() bool { return fileSize(out) > still })

	// d serves another folder.
	s.keys("d")
	s.waitScreen("the folder input", regexp.MustCompile(`serve folder:`))
	s.keys("C-u")
	s.waitScreen("the input to be empty", regexp.MustCompile(`^serve folder:\s*$`))
	s.typeText(other)
	s.waitScreen("the typed folder", regexp.MustCompile(`serve folder: `+regexp.QuoteMeta(other)))
	s.keys("Enter")
	s.waitScreen("the switch to be confirmed", regexp.MustCompile(`^now serving `))
	var names []string
	eventually(t, "/?json to list the new folder", func() bool {
		code, body := get(t, port, "/?json")
		var entries []struct{ Name string }
		if code != 200 || json.Unmarshal([]byte(body), &entries) != nil {
			return false
		}
		names = names[:0]
		for _, e := range entries {
			names = append(names, e.Name)
		}
		return len(names) == 1 && names[0] == "second.txt"
	})

	// q quits, after asking since the download still runs.
	s.keys("q")
	asked := regexp.MustCompile(`still running\. Quit anyway\? \(y/n\)`)
	eventually(t, "shareit to ask or exit", func() bool {
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
	eventually(t, "shareit to exit", func() bool {
		var ok bool
		code, ok = s.exitStatus()
		return ok
	})
	if code != 0 {
		t.Errorf("exit status: got %d, want 0", code)
	}

	// The terminal is as it was: main screen, cursor shown, no mouse or
	// keypad modes left on, and nothing of the TUI on it.
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

	// The port is free.
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("port %d after exit: %v", port, err)
	}
	l.Close()
}
