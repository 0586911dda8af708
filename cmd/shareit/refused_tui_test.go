//go:build linux

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRefusedRequestsInTUI: the refused requests of
// TestRefusedRequestsEverywhere show in the live view's log too, escaped.
// tmux: Linux only, as tuiSession says.
func TestRefusedRequestsInTUI(t *testing.T) {
	s := startTUISession(t, "-b", "127.0.0.1", "-p", "0", shareDir(t))
	m := s.waitScreen("the URL panel", regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`))
	port, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	sendRefused(t, port)
	s.waitScreen("the malformed request's line", regexp.MustCompile(`127\.0\.0\.1 .*"- NONSENSE -" 400`))
	s.waitScreen("the control bytes' line, escaped", regexp.MustCompile(`"GET /a\\x1b\[31m\\x07b HTTP/1\.1" 400`))
	s.waitScreen("the TLS handshake's line", regexp.MustCompile(`"- - -" 400`))
	if screen := s.screen(); !strings.Contains(screen, "refused") {
		t.Errorf("no reason on the screen:\n%s", screen)
	}
}
