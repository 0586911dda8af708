//go:build !linux

package main

import (
	"os/exec"
	"strconv"
	"testing"
)

// commandLine is the command line of process pid as anyone on the machine
// can read it, as ps shows it; ok is false where there is no ps (Windows).
func commandLine(t *testing.T, pid int) (cmdline []byte, ok bool) {
	t.Helper()
	ps, err := exec.LookPath("ps")
	if err != nil {
		return nil, false
	}
	out, err := exec.Command(ps, "-ww", "-o", "args=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		t.Fatalf("ps: %v", err)
	}
	return out, true
}
