//go:build !unix && !windows

package fileserver

import (
	"errors"
	"os"
)

// linkAcross has no portable way: the caller copies the file instead.
func linkAcross(*os.Root, string, *os.Root, string) error { return errors.ErrUnsupported }
