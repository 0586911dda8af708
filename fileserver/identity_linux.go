package fileserver

import (
	"os"
	"syscall"
)

// versionOf identifies the file fi describes and its version: device,
// inode and change time (which users cannot set).
func versionOf(fi os.FileInfo) (fileVersion, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileVersion{}, false
	}
	return fileVersion{uint64(st.Dev), st.Ino, st.Ctim.Nano()}, true
}
