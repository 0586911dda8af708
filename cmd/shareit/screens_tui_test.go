//go:build linux

package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"shareit/fileserver"
	"shareit/transfer/testkit"
)

// TestTUIScreensAndMouse: the real binary in tmux. A click (an SGR mouse
// report, as a terminal sends it) focuses the panel under it. At 80x24 the
// code has no room and the screen says so; v shows it full screen and esc
// closes it; with --tls, f shows the whole fingerprint of the certificate
// the server really presents.
func TestTUIScreensAndMouse(t *testing.T) {
	s := startTUISession(t, "--tls", "-b", "127.0.0.1", "-p", "0", shareDir(t))
	port := s.waitScreen("the URL", regexp.MustCompile(`https://127\.0\.0\.1:(\d+)/`))[1]

	// Click the Clients panel's title: it takes the focus.
	row := -1
	for i, l := range strings.Split(s.screen(), "\n") {
		if strings.Contains(l, "Clients") {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("no Clients panel on the screen")
	}
	col := tuiCols - 10 // right of the URL column
	s.typeText(fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", col, row+1, col, row+1))
	s.waitScreen("the clicked panel focused", regexp.MustCompile(`▸ Clients`))

	s.tmux("resize-window", "-t", "shareit", "-x", "80", "-y", "24")
	s.waitScreen("the hidden code said", regexp.MustCompile(`QR hidden — press v`))
	s.keys("v")
	s.waitScreen("the code full screen", regexp.MustCompile(`▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀`))
	s.waitScreen("its URL under it", regexp.MustCompile(`https://127\.0\.0\.1:`+port+`/ +localhost`))
	s.keys("Escape")
	s.waitScreen("the panels again", regexp.MustCompile(`QR hidden — press v`))

	c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	fp := fileserver.Fingerprint(c.ConnectionState().PeerCertificates[0].Raw)
	c.Close()
	s.keys("f")
	s.waitScreen("the fingerprint screen", regexp.MustCompile(`TLS certificate, SHA-256 fingerprint`))
	groups := strings.Split(fp, ":")
	for i := 0; i < len(groups); i += 8 {
		line := strings.Join(groups[i:i+8], ":")
		s.waitScreen("the fingerprint's line "+line, regexp.MustCompile(`(^|\s)`+line+`(\s|$)`))
	}
	s.keys("Escape")
	s.waitScreen("the panels again", regexp.MustCompile(`QR hidden — press v`))
}

// TestIdenticalDownloadsInTUI: two downloads of one file by one client
// show as two rows, each with the client's port.
func TestIdenticalDownloadsInTUI(t *testing.T) {
	share := bigDir(t)
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", share)
	base := s.waitScreen("the URL", regexp.MustCompile(`(http://127\.0\.0\.1:\d+/)`))[1]
	const name = "/big.bin"
	startPacedDownload(t, base+name[1:])
	startPacedDownload(t, base+name[1:])
	t.Cleanup(s.logScreenOnFailure) // before the downloads are cut
	testkit.Eventually(t, waitFor, "two rows of "+name+", each with its port", func() bool {
		ports := map[string]bool{}
		for _, m := range regexp.MustCompile(`127\.0\.0\.1:(\d+) +get +`+regexp.QuoteMeta(name)).FindAllStringSubmatch(s.screen(), -1) {
			ports[m[1]] = true
		}
		return len(ports) == 2
	})
}

// TestMergedRangesInTUI: three Range downloads of one file by one client,
// at once as a download manager makes them, show as one row that says it
// has three parts. Each range is larger than what the sockets' buffers
// hold, so the paced clients keep all three running.
func TestMergedRangesInTUI(t *testing.T) {
	needTools(t, "curl")
	share := bigDir(t)
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", share)
	base := s.waitScreen("the URL", regexp.MustCompile(`(http://127\.0\.0\.1:\d+/)`))[1]
	t.Cleanup(s.logScreenOnFailure) // before the downloads are cut
	for _, r := range []string{"0-59999999", "60000000-119999999", "120000000-179999999"} {
		ctx, cancel := context.WithCancel(context.Background())
		c := exec.CommandContext(ctx, "curl", "-s", "-o", os.DevNull, "--limit-rate", "500K", "-r", r, base+"big.bin")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); c.Wait() })
	}
	s.waitScreen("one row with three parts", regexp.MustCompile(`127\.0\.0\.1 +get +/big\.bin ×3 parts`))
}
