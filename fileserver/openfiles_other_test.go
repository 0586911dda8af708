//go:build !unix

package fileserver_test

import "testing"

// raiseOpenFiles does nothing where there is no per-process limit of open
// files to raise (Windows counts handles without one).
func raiseOpenFiles(t testing.TB, n uint64) {}
