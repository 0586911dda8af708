//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package fileserver

// newDirWatcher is fsnotify on kqueue, started on the first watch. kqueue
// holds a descriptor for the folder and for every file in it, so few
// folders are watched, and only small ones: at most 16 × 65 descriptors,
// well under the 10240 Go allows itself on macOS, leaving room for
// connections. Bigger folders are cached unwatched (checked on every hit).
func newDirWatcher() (dirWatcher, watchLimits) {
	return &lazyFsnotify{}, watchLimits{folders: 16, entries: 64}
}
