//go:build linux && !portable

package fileserver

import (
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// procFD is where a file with no name can be named from: linkat through
// /proc/self/fd/N. Without /proc (some containers) uploads use hidden
// names instead.
var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// unnamedTemps reports whether uploads are written to files with no name.
func unnamedTemps() bool { return procFD() }

// openUnnamed opens a file with no name in dir (O_TMPFILE), or returns nil
// where the file system or the system cannot (then openTemp makes a hidden
// one; a real error such as a full disk shows there).
func openUnnamed(dir *os.Root) *tempFile {
	if !procFD() {
		return nil
	}
	at, err := dir.Open(".")
	if err != nil {
		return nil
	}
	fd := -1
	cerr := sysControl(at, func(d int) {
		fd, err = unix.Openat(d, ".", unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
	})
	if cerr != nil || err != nil {
		at.Close()
		return nil
	}
	return &tempFile{File: os.NewFile(uintptr(fd), dir.Name()), dir: dir, at: at}
}

// linkUnnamed gives t's file the name final, relative to the open folder,
// so it stays inside it.
func linkUnnamed(t *tempFile, final string) error {
	var err error
	cerr := sysControl(t.at, func(dirfd int) {
		err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(t.Fd())), dirfd, final, unix.AT_SYMLINK_FOLLOW)
	})
	if cerr != nil {
		return cerr
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: "(upload)", New: final, Err: err}
	}
	return nil
}

// sysControl calls fn with f's descriptor.
func sysControl(f *os.File, fn func(fd int)) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return sc.Control(func(fd uintptr) { fn(int(fd)) })
}
