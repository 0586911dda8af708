package main

import (
	"os"
	"strconv"
	"testing"
)

// commandLine is the command line of process pid as anyone on the machine
// can read it, NUL-separated; ok is false where it cannot be read.
func commandLine(t *testing.T, pid int) (cmdline []byte, ok bool) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	return b, true
}
