//go:build linux

package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"shareit/transfer/testkit"
)

// TestFrozenTerminal: a terminal that stops reading (here the tmux server,
// stopped with SIGSTOP, as a hung terminal emulator or a suspended ssh
// would be) blocks the live view's writes; downloads go on meanwhile, and
// whole. The view drops the frames it could not show, never a byte, and
// comes back with every download counted when the terminal does.
func TestFrozenTerminal(t *testing.T) {
	const size = 32 << 20
	share := t.TempDir()
	sparseFile(t, filepath.Join(share, "big.bin"), size)
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", share)
	port := s.waitScreen("the URL", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))[1]
	// Asked before the freeze: a stopped tmux server answers nothing.
	shareit := s.programPID()
	tmux, err := os.FindProcess(s.serverPID())
	if err != nil {
		t.Fatal(err)
	}
	if err := tmux.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Registered after the session's cleanup, so run before it: that one
	// asks the tmux server to end.
	frozen := true
	t.Cleanup(func() {
		if frozen {
			tmux.Signal(syscall.SIGCONT)
		}
	})

	get := func() {
		t.Helper()
		resp, err := http.Get("http://127.0.0.1:" + port + "/big.bin")
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			t.Fatalf("download with the terminal frozen: %d bytes, %v; want %d", n, err, size)
		}
	}
	// Downloads change the screen until the view's write to the terminal
	// blocks; then every frame is one it cannot show, and bytes still flow.
	downloads := 0
	testkit.Eventually(t, waitFor, "the live view's write to the frozen terminal to block", func() bool {
		get()
		downloads++
		return writingToTTY(t, shareit)
	})
	for range 5 {
		get()
		downloads++
	}
	if !writingToTTY(t, shareit) {
		t.Fatal("the live view's write to the frozen terminal no longer blocks")
	}
	t.Logf("%d whole downloads of %d MiB while the terminal was frozen", downloads, size>>20)

	if err := tmux.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	frozen = false
	s.waitScreen("the view to come back with every download", regexp.MustCompile(`\b`+strconv.Itoa(downloads)+` finished`))
	s.keys("h")
	s.waitScreen("the history", regexp.MustCompile(`History (1/\d+ · )?`+strconv.Itoa(downloads)+` ended · `+strconv.Itoa(downloads)+` complete`))
}

// serverPID is the tmux server's process ID.
func (s *tuiSession) serverPID() int {
	s.t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(s.tmux("display-message", "-p", "#{pid}")))
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

// programPID is shareit's process ID: the child of the pane's shell.
func (s *tuiSession) programPID() int {
	s.t.Helper()
	shell := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "shareit", "#{pane_pid}"))
	out, err := exec.Command("pgrep", "-P", shell).Output()
	if err != nil {
		s.t.Fatalf("pgrep -P %s: %v", shell, err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

// writingToTTY reports whether a thread of process pid waits in the kernel
// to write to a terminal: its kernel stack (which root may read) is in the
// terminal's write.
func writingToTTY(t *testing.T, pid int) bool {
	t.Helper()
	tasks, err := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/stack")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("the threads of %d: %v", pid, err)
	}
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("a thread's kernel stack: %v (the TUI tests run as root)", err)
		}
		if strings.Contains(string(b), "n_tty_write") {
			return true
		}
	}
	return false
}
