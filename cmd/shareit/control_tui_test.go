//go:build linux

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shareit/transfer/testkit"
)

// TestClientControlTUI: in the clients panel, T throttles the selected
// client, K kicks it (its download stops), B blocks it (403 from then on)
// and U unblocks it; each is confirmed on screen and logged with its time;
// a block still in force at exit is in the summary and the receipt.
func TestClientControlTUI(t *testing.T) {
	needTools(t, "tmux")
	share := t.TempDir()
	sparseFile(t, filepath.Join(share, "big.bin"), 1<<30)
	receipt := filepath.Join(t.TempDir(), "r.jsonl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--receipt", receipt, share)
	port, err := strconv.Atoi(s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))[1])
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/big.bin"
	d := startPacedDownload(t, url)
	s.waitScreen("the client's row", regexp.MustCompile(`127\.0\.0\.1\s+1 active`))
	s.keys("Tab") // the clients panel
	s.keys("T")
	s.waitScreen("the throttle prompt", regexp.MustCompile(`cap for 127\.0\.0\.1`))
	s.typeText("300KB/s")
	s.keys("Enter")
	s.waitScreen("the confirmation", regexp.MustCompile(`127\.0\.0\.1 throttled to 300 KB/s`))
	s.waitScreen("the timed log line", regexp.MustCompile(`\d\d:\d\d:\d\d.*throttled 127\.0\.0\.1 to 300 KB/s`))
	s.waitScreen("the mark in the row", regexp.MustCompile(`127\.0\.0\.1 ≤300 KB/s`))

	s.keys("K")
	s.waitScreen("the kick's confirmation", regexp.MustCompile(`kicked 127\.0\.0\.1: 1 transfer stopped`))
	testkit.Eventually(t, waitFor, "the kicked download to end", func() bool {
		select {
		case err := <-d.done:
			d.done <- err // for the cleanup
			return true
		default:
			return false
		}
	})

	s.keys("B")
	s.waitScreen("the block's confirmation", regexp.MustCompile(`blocked 127\.0\.0\.1: its requests get 403`))
	if status, body := get(t, port, "/"); status != 403 || strings.Contains(body, "big.bin") {
		t.Errorf("blocked: got %d (leaks the share: %v), want 403", status, strings.Contains(body, "big.bin"))
	}
	s.keys("U")
	s.waitScreen("the unblock's confirmation", regexp.MustCompile(`unblocked 127\.0\.0\.1`))
	if status, _ := get(t, port, "/"); status != 200 {
		t.Errorf("unblocked: got %d, want 200", status)
	}
	s.keys("B")
	s.waitScreen("blocked again", regexp.MustCompile(`127\.0\.0\.1 blocked`))
	s.keys("q")
	testkit.Eventually(t, waitFor, "shareit to exit", func() bool { _, ok := s.exitStatus(); return ok })
	if !regexp.MustCompile(`(?m)^  blocked: 127\.0\.0\.1$`).MatchString(s.screen()) {
		t.Errorf("the summary does not say who was blocked:\n%s", s.screen())
	}
	b, err := os.ReadFile(receipt)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"blocked", "unblocked"} {
		if !strings.Contains(string(b), `"client":"127.0.0.1","kind":"`+kind+`"`) {
			t.Errorf("receipt %s: no %s line", b, kind)
		}
	}
}

// TestSecretTUI: S makes a new secret token: the URL panel shows it, the
// old link gets 403 at once, the new one gets in, and the log says so
// without the token.
func TestSecretTUI(t *testing.T) {
	needTools(t, "tmux")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--secret", shareDir(t))
	// The URL panel may cut the URL; S's confirmation shows it whole.
	s.waitScreen("the secret URL", regexp.MustCompile(`http://127\.0\.0\.1:\d+/~s/`))
	s.keys("S")
	confirm := regexp.MustCompile(`new secret link http://127\.0\.0\.1:(\d+)/~s/([A-Za-z0-9_-]{24}) \(the old one no longer works\)`)
	m := s.waitScreen("the confirmation", confirm)
	port, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	old := m[2]
	if status, _ := get(t, port, "/~s/"+old+"/a.txt"); status != 200 {
		t.Fatalf("the link: got %d, want 200", status)
	}
	s.keys("S")
	var fresh string
	testkit.Eventually(t, waitFor, "a second new token", func() bool {
		m := confirm.FindStringSubmatch(s.screen())
		if m != nil && m[2] != old {
			fresh = m[2]
		}
		return fresh != ""
	})
	s.waitScreen("the log line", regexp.MustCompile(`\d\d:\d\d:\d\d.*new secret link [A-Za-z0-9_-]{4}…; the old one no longer works`))
	if status, _ := get(t, port, "/~s/"+old+"/a.txt"); status != 403 {
		t.Errorf("the old link: got %d, want 403", status)
	}
	if status, _ := get(t, port, "/~s/"+fresh+"/a.txt"); status != 200 {
		t.Errorf("the new link: got %d, want 200", status)
	}
}

// TestAskTUI: with --ask, curl's first request waits (503, the waiting
// page); the live view shows the device as curl; A lets it in, and curl
// gets the file. D refuses the next device with a clear 403.
func TestAskTUI(t *testing.T) {
	needTools(t, "tmux", "curl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--ask", shareDir(t))
	port, err := strconv.Atoi(s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))[1])
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/a.txt"
	if r := curlGet(t, url, ""); !strings.Contains(r.body, "Waiting for approval") || r.status != 503 {
		t.Fatalf("first request: got %d %q, want the waiting page with 503", r.status, r.body)
	}
	s.waitScreen("the ask", regexp.MustCompile(`\? 127\.0\.0\.1 \(curl\) asks to come in`))
	s.waitScreen("the timed log line", regexp.MustCompile(`\d\d:\d\d:\d\d.*127\.0\.0\.1 \(curl\) asks to come in`))
	s.keys("A")
	s.waitScreen("the confirmation", regexp.MustCompile(`allowed 127\.0\.0\.1 \(curl\)`))
	if r := curlGet(t, url, ""); r.body != "hello, a\n" {
		t.Errorf("allowed: got %d %q, want the file", r.status, r.body)
	}
	// Another device: curl from another loopback address.
	curlGet(t, url, "", "--interface", "127.0.0.2", "-A", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36")
	s.waitScreen("the second ask", regexp.MustCompile(`\? 127\.0\.0\.2 \(Android, Chrome\) asks to come in`))
	s.keys("D")
	s.waitScreen("the confirmation", regexp.MustCompile(`denied 127\.0\.0\.2 \(Android, Chrome\)`))
	if r := curlGet(t, url, "", "--interface", "127.0.0.2"); !strings.Contains(r.body, "did not let this device in") || r.status != 403 {
		t.Errorf("denied: got %d %q, want 403 saying so", r.status, r.body)
	}
}

// TestDropTUI: the live view of a drop box says each file that arrives.
func TestDropTUI(t *testing.T) {
	needTools(t, "tmux", "curl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", "--drop", shareDir(t))
	port := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))[1]
	s.waitScreen("the header's note", regexp.MustCompile(`drop box`))
	src := filepath.Join(t.TempDir(), "essay.md")
	if err := os.WriteFile(src, []byte("# essay\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	curlGet(t, "http://127.0.0.1:"+port, "/", "-T", src)
	s.waitScreen("the arrival", regexp.MustCompile(`\d\d:\d\d:\d\d.*received essay\.md \(8 B\) from 127\.0\.0\.1`))
}

// TestLinksTUI: L, n, a path and a limit make a link for one download:
// curl gets the file once, then a 410 page saying the link is used up,
// and the list shows it; x revokes a second link at once.
func TestLinksTUI(t *testing.T) {
	needTools(t, "tmux", "curl")
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", shareDir(t))
	s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:\d+/`))
	made := regexp.MustCompile(`link to /a\.txt: (http://127\.0\.0\.1:\d+/~l/[A-Za-z0-9_-]{24}/a\.txt)`)
	newLink := func(limit string) string {
		s.keys("n")
		s.waitScreen("the path prompt", regexp.MustCompile(`link to: /`))
		s.typeText("a.t")
		s.keys("Tab", "Enter")
		s.waitScreen("the limits prompt", regexp.MustCompile(`limits \(1 = one download`))
		s.keys("BSpace")
		s.typeText(limit)
		s.keys("Enter")
		return s.waitScreen("the new link", made)[1]
	}
	s.keys("L")
	s.waitScreen("the empty list", regexp.MustCompile(`no links yet`))
	url := newLink("1")
	s.waitScreen("the timed log line", regexp.MustCompile(`\d\d:\d\d:\d\d.*link made to /a\.txt \(1 download\)`))
	if r := curlGet(t, url, ""); r.body != "hello, a\n" {
		t.Errorf("the link: got %d %q, want the file", r.status, r.body)
	}
	if r := curlGet(t, url, ""); !strings.Contains(r.body, "used up") || r.status != 410 {
		t.Errorf("the link again: got %d %q, want 410 saying it is used up", r.status, r.body)
	}
	s.waitScreen("the use in the list", regexp.MustCompile(`/a\.txt\s+1/1 downloads\s+no end\s+used up`))

	second := newLink("2h")
	if second == url {
		t.Fatal("the second link is the first")
	}
	s.keys("x")
	s.waitScreen("the revocation", regexp.MustCompile(`revoked the link to /a\.txt`))
	if r := curlGet(t, second, ""); !strings.Contains(r.body, "withdrawn") || r.status != 410 {
		t.Errorf("the revoked link: got %d %q, want 410 saying so", r.status, r.body)
	}
}
