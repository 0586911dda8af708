//go:build !unix && !windows

package fileserver

import "os"

// openFlags opens files and folders to serve.
const openFlags = os.O_RDONLY

// faultOf is what err means for an answer: here the os package's own
// errors (not found, permission) are all that is known.
func faultOf(error) fault { return faultOther }

// linkUnsupported reports whether a hard link failed because the file
// system has none: here any failure other than the name being taken.
func linkUnsupported(err error) bool { return err != nil && !os.IsExist(err) }
