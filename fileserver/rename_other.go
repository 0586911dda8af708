//go:build !linux && !darwin && !windows

package fileserver

import (
	"errors"
	"os"
)

// renameNoReplace would give tmp the name final without replacing a file
// there; FreeBSD and the other systems have no such rename, so a file
// system without hard links cannot take uploads (link refuses them rather
// than risk replacing a file).
func renameNoReplace(*os.Root, string, string) error { return errors.ErrUnsupported }
