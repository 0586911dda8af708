//go:build windows

package fileserver

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/windows"
)

// openFlags opens files and folders to serve. Windows has no FIFOs in
// folders to guard against, and no O_NONBLOCK.
const openFlags = os.O_RDONLY

// faultOf is what err means for an answer, from its Windows error code.
func faultOf(err error) fault {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return faultOther
	}
	switch errno {
	case windows.ERROR_DIRECTORY:
		return faultNotDir
	case windows.ERROR_CANT_RESOLVE_FILENAME, windows.ERROR_CANT_ACCESS_FILE:
		return faultLoop
	case windows.ERROR_FILENAME_EXCED_RANGE:
		return faultNameTooLong
	case windows.ERROR_INVALID_NAME:
		return faultBadName
	case windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL:
		return faultNoSpace
	case windows.ERROR_FILE_TOO_LARGE:
		return faultTooLarge
	case windows.ERROR_WRITE_PROTECT:
		return faultReadOnly
	case windows.ERROR_ACCESS_DENIED, windows.ERROR_SHARING_VIOLATION:
		return faultAccess
	}
	return faultOther
}

// linkUnsupported reports whether a hard link failed because the file
// system has none (FAT, exFAT, network shares).
func linkUnsupported(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == windows.ERROR_INVALID_FUNCTION ||
		errno == windows.ERROR_NOT_SUPPORTED || errno == windows.ERROR_NOT_SAME_DEVICE)
}
