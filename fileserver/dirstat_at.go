//go:build linux || darwin || freebsd

package fileserver

import (
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// dirHandle is an open folder as a listing stats its names: here its
// descriptor, so each name costs one fstatat and no path walk.
type dirHandle struct{ fd int }

// withDir calls fn with the folder d, open as rel under root.
func withDir(d *os.File, _ *folder, _ string, _ bool, fn func(dirHandle)) error {
	sc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	return sc.Control(func(fd uintptr) { fn(dirHandle{int(fd)}) })
}

// lstat describes name in the folder, not following a final symlink.
func (h dirHandle) lstat(name string) (nodeStat, bool) {
	var st unix.Stat_t
	if unix.Fstatat(h.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return nodeStat{}, false
	}
	var mode fs.FileMode
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		mode = fs.ModeDir
	case unix.S_IFLNK:
		mode = fs.ModeSymlink
	default:
		mode = fs.ModeIrregular // FIFOs, sockets, devices: listed, never served
	}
	return nodeStat{size: st.Size, mtime: time.Unix(st.Mtim.Unix()), mode: mode | fs.FileMode(st.Mode&0o777)}, true
}

// exists reports whether name exists in the folder, following links.
func (h dirHandle) exists(name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(h.fd, name, &st, 0) == nil
}
