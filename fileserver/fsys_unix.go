//go:build unix

package fileserver

import (
	"errors"
	"os"
	"syscall"
)

// openFlags opens files and folders to serve. O_NONBLOCK keeps a FIFO in
// the folder from blocking the open; it changes nothing for regular files.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// faultOf is what err means for an answer, from its errno.
func faultOf(err error) fault {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return faultOther
	}
	switch errno {
	case syscall.ENOTDIR:
		return faultNotDir
	case syscall.ELOOP:
		return faultLoop
	case syscall.ENAMETOOLONG:
		return faultNameTooLong
	case syscall.ENOSPC, syscall.EDQUOT:
		return faultNoSpace
	case syscall.EFBIG:
		return faultTooLarge
	case syscall.EROFS:
		return faultReadOnly
	case syscall.EACCES, syscall.EPERM:
		return faultAccess
	case syscall.EILSEQ:
		return faultBadName // a name the file system's encoding refuses (ZFS utf8only, some NFS)
	}
	return faultOther
}

// linkUnsupported reports whether a hard link failed because the file
// system has none (FAT, exFAT and some FUSE file systems say EPERM).
func linkUnsupported(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.EPERM || errno == syscall.EOPNOTSUPP || errno == syscall.ENOSYS)
}
