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
	dir, err := url.PathUnescape(dir) // as net/http decodes a request's path
	if err != nil {
		return nil, errNotListed
	}
	rel, status := s.clean(dir)
	if status != 0 {
		return nil, errNotListed
	}
	root, rel, status := s.root.Load().locate(rel)
	switch {
	case status != 0:
		return nil, errNotListed
	case rel == "." && root.virtual():
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
