package fileserver

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace gives the file tmp in dir the name final, atomically,
// failing with EEXIST if final exists: renameat2 with RENAME_NOREPLACE,
// relative to the open folder, so it stays inside dir.
func renameNoReplace(dir *os.Root, tmp, final string) error {
	return atFolder(dir, func(fd int) error { return unix.Renameat2(fd, tmp, fd, final, unix.RENAME_NOREPLACE) })
}
