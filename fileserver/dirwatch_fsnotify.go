package fileserver

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// fsnotifyWatcher is a dirWatcher on fsnotify: kqueue on macOS and BSD,
// ReadDirectoryChangesW on Windows, inotify on Linux (where tests use it;
// Linux serves with inotifyWatcher). fsnotify watches by path and
// delivers events from its own goroutine; they are taken from its
// buffered channels without waiting, under the dirCache's lock.
type fsnotifyWatcher struct {
	w     *fsnotify.Watcher
	ids   map[string]watchID // by cleaned path
	paths map[watchID]string
	next  watchID
}

// newFsnotifyWatcher starts fsnotify's watcher. The Events buffer lets a
// burst of changes wait for the next lookup rather than hold up fsnotify's
// reader; past it, the kernel queues them, and an overflow is reported.
func newFsnotifyWatcher() (*fsnotifyWatcher, error) {
	w, err := fsnotify.NewBufferedWatcher(1024)
	if err != nil {
		return nil, err
	}
	return &fsnotifyWatcher{w: w, ids: make(map[string]watchID), paths: make(map[watchID]string)}, nil
}

// add watches dir by its path, and checks that the path still names the
// folder open as d: a folder renamed or replaced since it was opened is
// not watched in its place.
func (f *fsnotifyWatcher) add(dir string, d *os.File) (watchID, error) {
	dir = filepath.Clean(dir)
	if id, ok := f.ids[dir]; ok {
		return id, nil
	}
	if err := f.w.Add(dir); err != nil {
		return 0, err
	}
	opened, err := d.Stat()
	if err == nil {
		var named os.FileInfo
		named, err = os.Stat(dir)
		if err == nil && !os.SameFile(opened, named) {
			err = errors.New("folder replaced while being watched")
		}
	}
	if err != nil {
		f.w.Remove(dir)
		return 0, err
	}
	f.next++
	f.ids[dir], f.paths[f.next] = f.next, dir
	return f.next, nil
}

func (f *fsnotifyWatcher) remove(id watchID) {
	dir, ok := f.paths[id]
	if !ok {
		return
	}
	delete(f.paths, id)
	delete(f.ids, dir)
	f.w.Remove(dir) // an error means the watch is gone already (the folder was removed)
}

// pending takes what fsnotify has delivered. An event names the watched
// folder itself or an entry in it; any error (ErrEventOverflow, a read
// error) means events may be missing.
func (f *fsnotifyWatcher) pending(changed func(watchID), lost func()) {
	for {
		select {
		case ev, ok := <-f.w.Events:
			if !ok {
				lost() // closed: nothing more will be reported
				return
			}
			if id, ok := f.ids[ev.Name]; ok {
				changed(id)
			}
			if id, ok := f.ids[filepath.Dir(ev.Name)]; ok {
				changed(id)
			}
		case _, ok := <-f.w.Errors:
			lost()
			if !ok {
				return
			}
		default:
			return
		}
	}
}

func (f *fsnotifyWatcher) close() error { return f.w.Close() }

// lazyFsnotify is an fsnotifyWatcher started on the first watch: a server
// that lists no folder runs no fsnotify goroutine. If it cannot start, it
// refuses every watch and listings are cached unwatched.
type lazyFsnotify struct {
	w   *fsnotifyWatcher
	err error
}

func (l *lazyFsnotify) add(dir string, d *os.File) (watchID, error) {
	if l.w == nil && l.err == nil {
		l.w, l.err = newFsnotifyWatcher()
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.w.add(dir, d)
}

func (l *lazyFsnotify) remove(id watchID) {
	if l.w != nil {
		l.w.remove(id)
	}
}

func (l *lazyFsnotify) pending(changed func(watchID), lost func()) {
	if l.w != nil {
		l.w.pending(changed, lost)
	}
}

func (l *lazyFsnotify) close() error {
	if l.w == nil {
		return nil
	}
	return l.w.close()
}
