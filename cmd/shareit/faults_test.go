package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"shareit/transfer/testkit"
)

// grace is how long shareit lets running downloads finish when it is
// told to stop (fileserver.DefaultGrace).
const grace = 5 * time.Second

// TestQuitWith50Downloads: SIGINT while fifty slow downloads run. shareit
// stops within the grace period (and a margin for a busy machine), exits
// 0, and logs each download once, on stdout and in the --log file.
func TestQuitWith50Downloads(t *testing.T) {
	needTools(t, "curl")
	const clients = 50
	dir := bigDir(t)
	logFile := filepath.Join(t.TempDir(), "access.log")
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", "--log", logFile, dir)
	url := baseURL(p.port()) + "/big.bin"
	outs := t.TempDir()
	for i := range clients {
		curl := exec.Command("curl", "-s", "--limit-rate", "100K", "-A", "quitter-"+strconv.Itoa(i),
			"-o", filepath.Join(outs, strconv.Itoa(i)), url)
		if err := curl.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			curl.Process.Kill()
			curl.Wait()
		})
	}
	testkit.Eventually(t, waitFor, "all fifty downloads to be under way", func() bool {
		for i := range clients {
			if fileSize(filepath.Join(outs, strconv.Itoa(i))) == 0 {
				return false
			}
		}
		return true
	})

	signalled := time.Now()
	if err := interrupt(p.cmd, os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := p.wait()
	took := time.Since(signalled)
	t.Logf("exited %v after SIGINT", took.Round(time.Millisecond))
	if code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if margin := 10 * time.Second; took > grace+margin {
		t.Errorf("exited %v after SIGINT, want within the %v grace period and a %v margin", took, grace, margin)
	}

	line := regexp.MustCompile(`^127\.0\.0\.1 - - \[[^\]]+\] "GET /big\.bin HTTP/1\.1" 200 (\d+) "-" "quitter-(\d+)" \d+\.\d{3}s$`)
	check := func(what string, lines []string) {
		t.Helper()
		seen := map[string]int{}
		for _, l := range lines {
			m := line.FindStringSubmatch(l)
			if m == nil {
				if anyLogRE.MatchString(l) {
					t.Errorf("%s: unexpected log line %q", what, l)
				}
				continue
			}
			seen[m[2]]++
			if n, _ := strconv.ParseInt(m[1], 10, 64); n >= bigSize {
				t.Errorf("%s: %q: all %d bytes sent, want the download cut", what, l, bigSize)
			}
		}
		if len(seen) != clients {
			t.Errorf("%s: got log lines for %d downloads, want %d", what, len(seen), clients)
		}
		for agent, n := range seen {
			if n != 1 {
				t.Errorf("%s: quitter-%s logged %d times, want once", what, agent, n)
			}
		}
	}
	check("stdout", p.output())
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var logged []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		logged = append(logged, sc.Text())
	}
	if len(logged) != clients {
		t.Errorf("--log file: got %d lines, want %d", len(logged), clients)
	}
	check("--log file", logged)
}
