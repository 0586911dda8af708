package fileserver

import "errors"

// fault is what an error from the file system means for an answer, the
// same on every OS: each OS maps its own error numbers to it (faultOf).
type fault int

const (
	faultOther       fault = iota
	faultNotDir            // a file where a folder was expected in the path
	faultLoop              // too many symlinks, or one that cannot be resolved
	faultNameTooLong       // a name or path longer than the file system takes
	faultBadName           // a name the file system cannot hold
	faultNoSpace           // the disk, or the user's quota, is full
	faultTooLarge          // the file is larger than the file system takes
	faultReadOnly          // the folder is on a read-only disk
	faultAccess            // the OS refused access
)

// errNotDir is shareit's own "that is not a folder", where a folder was
// asked for and a file found.
var errNotDir = errors.New("not a folder")
