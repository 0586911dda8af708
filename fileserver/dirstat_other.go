//go:build !linux && !darwin && !freebsd

package fileserver

import (
	"os"
	"path"
	"path/filepath"
)

// dirHandle is an open folder as a listing stats its names: here its place
// under the root, since Go has no stat relative to an open folder on these
// systems. Names are looked up as open looks them up: through the os.Root,
// or, with FollowSymlinks, by path.
type dirHandle struct {
	root   *folder
	rel    string
	follow bool
}

// withDir calls fn with the folder d, open as rel under root.
func withDir(_ *os.File, root *folder, rel string, follow bool, fn func(dirHandle)) error {
	fn(dirHandle{root, rel, follow})
	return nil
}

// lstat describes name in the folder, not following a final symlink.
func (h dirHandle) lstat(name string) (nodeStat, bool) {
	var fi os.FileInfo
	var err error
	if h.follow {
		fi, err = os.Lstat(filepath.Join(h.root.dir, filepath.FromSlash(h.rel), name))
	} else {
		fi, err = h.root.root.Lstat(path.Join(h.rel, name))
	}
	if err != nil {
		return nodeStat{}, false
	}
	mode := fi.Mode()
	if t := mode.Type(); t != 0 && t != os.ModeDir && t != os.ModeSymlink {
		mode = os.ModeIrregular | mode.Perm() // devices, pipes: listed, never served
	}
	return nodeStat{size: fi.Size(), mtime: fi.ModTime(), mode: mode, hidden: hiddenAttr(fi)}, true
}

// exists reports whether name exists in the folder, following links.
func (h dirHandle) exists(name string) bool {
	var err error
	if h.follow {
		_, err = os.Stat(filepath.Join(h.root.dir, filepath.FromSlash(h.rel), name))
	} else {
		_, err = h.root.root.Stat(path.Join(h.rel, name))
	}
	return err == nil
}
