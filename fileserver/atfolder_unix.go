//go:build unix

package fileserver

import "os"

// atFolder calls fn with a descriptor of the folder dir, for the *at
// system calls that work relative to it.
func atFolder(dir *os.Root, fn func(fd int) error) error {
	d, err := dir.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	sc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := sc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
