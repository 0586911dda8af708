package fileserver

import (
	"errors"
	"net/url"
)

// Entry is one name of a shared folder as clients see it.
type Entry struct {
	Name string
	URL  string // absolute escaped URL path; a folder's ends in "/"
	Dir  bool
	Size int64
}

// errNotListed is List's answer for a path clients could not list.
var errNotListed = errors.New("not a shared folder")

// List lists the folder at the URL path dir ("/" for the top) exactly as
// a client would see it: the same cleaning and confinement, the same
// rules for dotfiles and symlinks, through the same resolver. It is how
// the TUI browses the share, never touching the disk outside it.
func (s *Server) List(dir string) ([]Entry, error) {
	_, root, rel, top, ok := s.locateURL(dir)
	switch {
	case !ok:
		return nil, errNotListed
	case top:
		return s.listTop(root), nil
	}
	d, err := s.open(root, rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if fi, err := d.Stat(); err != nil || !fi.IsDir() {
		return nil, errNotListed
	}
	entries, err := s.readFolder(root, rel, d)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if e.Dir || e.regular {
			out = append(out, Entry{Name: e.Name, URL: e.URL, Dir: e.Dir, Size: e.Size})
		}
	}
	return out, nil
}

// locateURL finds the escaped URL path u as a request for it is found:
// the same unescaping, cleaning and confinement. It returns u unescaped,
// the item and the path in it, and whether that is the top of a share of
// several items, which is no folder on the disk; ok is false when no
// client could reach u.
func (s *Server) locateURL(u string) (p string, f *folder, rel string, top, ok bool) {
	p, err := url.PathUnescape(u) // as net/http decodes a request's path
	if err != nil {
		return "", nil, "", false, false
	}
	rel, status := s.clean(p)
	if status != 0 {
		return "", nil, "", false, false
	}
	f, rel, status = s.root.Load().locate(rel)
	if status != 0 {
		return "", nil, "", false, false
	}
	return p, f, rel, rel == "." && f.virtual(), true
}

// listTop lists the top of a share that is not one folder: its items, or
// its one file; a text has none.
func (s *Server) listTop(top *folder) []Entry {
	items := top.items
	if top.file != "" {
		items = []*folder{top}
	}
	var out []Entry
	for _, it := range items {
		if e, ok := s.itemEntry(it); ok {
			if it.name == "" {
				e.Name = it.file
			}
			out = append(out, Entry{Name: e.Name, URL: e.URL, Dir: e.Dir, Size: e.Size})
		}
	}
	return out
}
