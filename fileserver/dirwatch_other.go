//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package fileserver

// newDirWatcher is fsnotify: ReadDirectoryChangesW on Windows, with one
// handle and a 64 KiB buffer per watched folder, so 64 folders; where
// fsnotify has no backend it fails, and listings are cached unwatched.
func newDirWatcher() (dirWatcher, watchLimits) {
	w, err := newFsnotifyWatcher()
	if err != nil {
		return nil, watchLimits{}
	}
	return w, watchLimits{folders: 64}
}
