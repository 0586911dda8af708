package fileserver

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace gives the file tmp in dir the name final, atomically,
// failing with EEXIST if final exists: renameatx_np with RENAME_EXCL,
// relative to the open folder, so it stays inside dir.
func renameNoReplace(dir *os.Root, tmp, final string) error {
	return atFolder(dir, func(fd int) error { return unix.RenameatxNp(fd, tmp, fd, final, unix.RENAME_EXCL) })
}
