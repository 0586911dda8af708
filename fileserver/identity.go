package fileserver

// fileVersion tells one file from another, and one version of a file from
// the next, where the OS gives the means (versionOf).
type fileVersion struct {
	dev, ino uint64
	ctime    int64 // nanoseconds
}
