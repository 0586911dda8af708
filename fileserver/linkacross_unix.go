//go:build unix

package fileserver

import (
	"os"

	"golang.org/x/sys/unix"
)

// linkAcross gives the file name in from a second name, final, in to,
// failing with fs.ErrExist if final exists: linkat relative to both open
// folders, so it stays inside them. It fails otherwise across file
// systems or where there are no hard links; the caller then copies.
func linkAcross(from *os.Root, name string, to *os.Root, final string) error {
	return atFolder(from, func(ffd int) error {
		return atFolder(to, func(tfd int) error {
			if err := unix.Linkat(ffd, name, tfd, final, 0); err != nil {
				return &os.LinkError{Op: "link", Old: name, New: final, Err: err}
			}
			return nil
		})
	})
}
