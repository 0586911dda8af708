//go:build !linux && !darwin && !freebsd

package fileserver

import "os"

// versionOf identifies the file fi describes and its version, where the OS
// says so in a stat. On Windows it does not: a stat by path carries no
// file index (os.SameFile opens the file to get one) and no change time,
// and size, times and name are not enough to tell two files apart — two
// copies from one archive share them. So nothing is identified, and the
// small-file cache stays empty: bodies come from the disk, as they should
// when in doubt.
func versionOf(os.FileInfo) (fileVersion, bool) { return fileVersion{}, false }
