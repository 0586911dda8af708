package fileserver

import (
	"os"
	"path"
	"path/filepath"
	"syscall"
)

// hiddenAttrs are the attributes that hide a file in Explorer, and so from
// clients unless Hidden: the same promise as for dotfiles.
const hiddenAttrs = syscall.FILE_ATTRIBUTE_HIDDEN | syscall.FILE_ATTRIBUTE_SYSTEM

// hiddenOnDisk reports whether rel, or a folder on its way from the root,
// has the hidden or system attribute. Each element is looked at without
// following a final link, the way Explorer shows it.
func (s *Server) hiddenOnDisk(f *folder, rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		var fi os.FileInfo
		var err error
		if s.cfg.FollowSymlinks {
			fi, err = os.Lstat(filepath.Join(f.dir, filepath.FromSlash(p)))
		} else {
			fi, err = f.root.Lstat(p)
		}
		if err == nil && hiddenAttr(fi) {
			return true
		}
	}
	return false
}

// hiddenAttr reports whether fi has the hidden or system attribute.
func hiddenAttr(fi os.FileInfo) bool {
	d, ok := fi.Sys().(*syscall.Win32FileAttributeData)
	return ok && d.FileAttributes&hiddenAttrs != 0
}
