//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package fileserver

// newDirWatcher is fsnotify, started on the first watch:
// ReadDirectoryChangesW on Windows, with one handle and a 64 KiB buffer
// per watched folder, so 64 folders; where fsnotify has no backend it
// fails, and listings are cached unwatched.
func newDirWatcher() (dirWatcher, watchLimits) {
	return &lazyFsnotify{}, watchLimits{folders: 64}
}
