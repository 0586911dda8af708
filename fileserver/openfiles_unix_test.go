//go:build unix

package fileserver_test

import (
	"syscall"
	"testing"
)

// raiseOpenFiles makes sure this process may hold n open files, raising
// its soft limit (up to the hard one, or the hard one too as root) for
// the rest of the run.
func raiseOpenFiles(t testing.TB, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim))
	if uint64(lim.Cur) >= n {
		return
	}
	setLimit(&lim.Cur, n)
	if uint64(lim.Max) < n {
		setLimit(&lim.Max, n)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("raising the open-file limit to %d: %v (the test needs that many, or root to raise the hard limit)", n, err)
	}
}

// setLimit sets a limit field, an int64 on FreeBSD and a uint64 elsewhere.
func setLimit[T int64 | uint64](field *T, n uint64) { *field = T(n) }
