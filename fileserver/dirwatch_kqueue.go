//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package fileserver

// newDirWatcher is fsnotify on kqueue, which holds a descriptor for the
// folder and for every file in it. So few folders are watched, and only
// small ones: at most 16 × 65 descriptors, well under the 10240 Go allows
// itself on macOS and leaving room for connections. Bigger folders are
// cached unwatched (checked on every hit).
func newDirWatcher() (dirWatcher, watchLimits) {
	w, err := newFsnotifyWatcher()
	if err != nil {
		return nil, watchLimits{}
	}
	return w, watchLimits{folders: 16, entries: 64}
}
