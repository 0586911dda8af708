//go:build unix

package fileserver_test

import (
	"syscall"
	"testing"
)

// makeFIFO makes a named pipe at path: a folder entry that must never be
// served nor archived (opening it must not block either).
func makeFIFO(t *testing.T, path string) {
	t.Helper()
	must(t, syscall.Mkfifo(path, 0o644))
}
