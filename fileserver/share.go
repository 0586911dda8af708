package fileserver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// A share is what the server serves, held as one *folder (Server.root):
//
//   - one folder alone: served at "/", as it always was;
//   - one file alone (file set): "/" is a page about it and "/NAME" the
//     file; nothing else of its folder is reachable;
//   - several paths (items set): "/" lists them, each under its own name,
//     each confined to itself as a folder alone is.
//
// A share is never changed once published: adding or removing an item
// builds a new one and swaps it in, so a request sees one share throughout.

// openItem opens path as an item of a share: a folder, or one file through
// an os.Root of its folder that is only ever asked for that one name.
func openItem(path string, hidden bool) (*folder, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil || fi.IsDir() {
		return openFolder(abs) // its errors say it for people
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a file or a folder", abs)
	}
	// The path named on the command line is followed wherever it leads,
	// as a shared folder's own path is; the root is its real folder.
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", abs, errors.Unwrap(err))
	}
	dir, name := filepath.Split(real)
	if status := urlNameStatus(name, hidden, runtime.GOOS); status != 0 {
		return nil, fmt.Errorf("%s: a hidden file; --hidden shares it", abs)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", abs, errors.Unwrap(err))
	}
	f := &folder{dir: filepath.Clean(dir), root: root, file: name}
	if _, err := root.Stat(name); err != nil {
		root.Close()
		return nil, fmt.Errorf("%s: cannot open: %w", abs, errors.Unwrap(err))
	}
	return f, nil
}

// openShare opens paths as a share, and uploadTo ("" for none) as the
// folder uploads land in. No path is an empty share, for a text.
func openShare(paths []string, uploadTo string, hidden bool) (*folder, error) {
	top := &folder{}
	if len(paths) == 1 {
		f, err := openItem(paths[0], hidden)
		if err != nil {
			return nil, err
		}
		top = f
	} else if len(paths) > 1 {
		for _, p := range paths {
			f, err := openItem(p, hidden)
			if err != nil {
				return nil, err
			}
			if top, err = top.with(f, hidden); err != nil {
				return nil, err
			}
		}
	}
	if uploadTo != "" {
		u, err := openFolder(uploadTo)
		if err != nil {
			return nil, fmt.Errorf("--upload-to %w", err)
		}
		top.uploadTo = u
	}
	return top, nil
}

// with returns a copy of the share top with f added under its own name:
// the name of its file or folder, or the first "name (2)", "name (3)"…
// not taken, so an item never hides another and keeps its name while the
// share changes. A share of one folder or file becomes a share of several.
func (top *folder) with(f *folder, hidden bool) (*folder, error) {
	next := &folder{uploadTo: top.uploadTo}
	if top.items != nil || top.root == nil {
		next.items = append(next.items, top.items...)
	} else {
		alone := *top
		alone.uploadTo = nil
		alone.name = itemName(top)
		next.items = []*folder{&alone}
	}
	base := itemName(f)
	if status := urlNameStatus(base, hidden, runtime.GOOS); status != 0 {
		return nil, fmt.Errorf("%s: a hidden name; --hidden shares it", f.path())
	}
	name := base
	for i := 2; next.item(name) != nil; i++ {
		name = numbered(base, i)
		if f.file == "" {
			name = fmt.Sprintf("%s (%d)", base, i) // a folder has no extension
		}
	}
	item := *f
	item.name, item.uploadTo = name, nil
	next.items = append(next.items, &item)
	return next, nil
}

// without returns a copy of the share top without its item name.
func (top *folder) without(name string) (*folder, error) {
	if top.items == nil {
		return nil, errors.New("only one path is shared: there is nothing else to keep sharing")
	}
	if top.item(name) == nil {
		return nil, fmt.Errorf("%q is not shared", name)
	}
	if len(top.items) == 1 {
		return nil, errors.New("that is the last shared path: add another first, or quit")
	}
	next := &folder{uploadTo: top.uploadTo}
	for _, it := range top.items {
		if it.name != name {
			next.items = append(next.items, it)
		}
	}
	return next, nil
}

// itemName is the name f is listed under at the top of a share of several.
func itemName(f *folder) string {
	if f.file != "" {
		return f.file
	}
	name := filepath.Base(f.dir)
	if name == "/" || name == "." || name == `\` || strings.HasSuffix(name, `:\`) {
		return "shared"
	}
	return name
}

// itemAt finds the shared item that holds the clean absolute path abs,
// and abs's path in it ("." for the top of a folder, the name for a file
// alone). ok is false when nothing shared holds it.
func (top *folder) itemAt(abs string) (f *folder, rel string, ok bool) {
	items := top.items
	if items == nil && top.root != nil {
		items = []*folder{top}
	}
	for _, it := range items {
		if it.file != "" {
			if abs == it.path() {
				return it, it.file, true
			}
			continue
		}
		rel, err := filepath.Rel(it.dir, abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return it, rel, true
		}
	}
	return nil, "", false
}

// item is the item of top called name, or nil.
func (top *folder) item(name string) *folder {
	for _, it := range top.items {
		if it.name == name {
			return it
		}
	}
	return nil
}

// path is the item's path on disk, as people gave it.
func (f *folder) path() string {
	if f.file != "" {
		return filepath.Join(f.dir, f.file)
	}
	return f.dir
}

// url is the escaped URL of the item's top: "/" for a folder alone.
func (f *folder) url() string {
	switch {
	case f.name == "" && f.file != "":
		return "/" + pathEscape(f.file)
	case f.name == "":
		return "/"
	case f.file != "":
		return "/" + pathEscape(f.name)
	}
	return "/" + pathEscape(f.name) + "/"
}

// virtual reports whether f is not a folder on disk at its top: the list
// of several items, or the page of one file.
func (f *folder) virtual() bool { return f.items != nil || f.file != "" || f.text != "" }

// locate finds what the clean path rel of the share top names: an item
// and a path in it. rel is "." for the top of a folder, and for the top of
// a virtual share (its list or its file's page); a file's own path is its
// name. status is 404 for what is not shared.
func (top *folder) locate(rel string) (*folder, string, int) {
	switch {
	case rel == "." || !top.virtual():
		return top, rel, 0
	case top.text != "":
		return nil, "", http.StatusNotFound
	case top.items == nil: // one file alone
		if rel == top.file {
			return top, rel, 0
		}
		return nil, "", http.StatusNotFound
	}
	name, rest, _ := strings.Cut(rel, "/")
	it := top.item(name)
	switch {
	case it == nil:
		return nil, "", http.StatusNotFound
	case it.file != "" && rest != "":
		return nil, "", http.StatusNotFound
	case it.file != "":
		return it, it.file, 0
	case rest == "":
		return it, ".", 0
	}
	return it, rest, 0
}

// Paths are the shared paths, in order: a folder alone, a file alone, or
// the items of several.
func (s *Server) Paths() []Item {
	top := s.root.Load()
	if top.text != "" {
		return nil
	}
	if top.items == nil {
		return []Item{{Path: top.path(), Dir: top.file == ""}}
	}
	out := make([]Item, len(top.items))
	for i, it := range top.items {
		out[i] = Item{Name: it.name, Path: it.path(), Dir: it.file == ""}
	}
	return out
}

// Item is one shared path as the TUI shows it.
type Item struct {
	Name string // its name at the top of a share of several; "" alone
	Path string // on disk
	Dir  bool
}

// Uploadable reports whether uploads have somewhere to land: a folder
// shared alone, --upload-to, or the TUI for the texts sent to a text.
func (s *Server) Uploadable() bool {
	top := s.root.Load()
	return top.uploadable() || top.text != "" // texts need no folder
}

// UploadFolder is the folder uploads land in: --upload-to, or the folder
// shared alone; "" when there is none.
func (s *Server) UploadFolder() string {
	top := s.root.Load()
	switch {
	case top.uploadTo != nil:
		return top.uploadTo.dir
	case !top.virtual():
		return top.dir
	}
	return ""
}

// uploadable reports whether uploads have a folder to land in.
func (top *folder) uploadable() bool { return top.uploadTo != nil || !top.virtual() }

// uploadPlace is where an upload posted to the folder rel (clean, from the
// URL) lands: that folder when a folder alone is shared without
// --upload-to; else the --upload-to folder, or its subfolder rel when the
// upload was posted inside it (it is shared too). base is the escaped URL
// of the folder it lands in, "" when that folder is not shared.
func (s *Server) uploadPlace(rel string) (root *folder, in, base string, err error) {
	top := s.root.Load()
	if !top.uploadable() {
		return nil, "", "", refuse(http.StatusForbidden, "Uploads need one folder to land in: start shareit with --upload-to DIR.")
	}
	root, in = top, rel
	if top.uploadTo != nil {
		root, in = top.uploadTo, "."
		if it, r, status := top.locate(rel); status == 0 && it.root != nil && it.file == "" && it.dir == top.uploadTo.dir {
			root, in = it, r
		}
	}
	if root == top.uploadTo {
		return root, in, "", nil
	}
	base = root.url()
	if in != "." {
		for part := range strings.SplitSeq(in, "/") {
			base += pathEscape(part) + "/"
		}
	}
	return root, in, base, nil
}

// Add shares path beside what is shared, live, and returns the name it is
// listed under. A folder or file shared alone becomes the first of
// several; uploads that landed in a folder shared alone keep landing
// there. On error nothing changes.
func (s *Server) Add(path string) (string, error) {
	s.changing.Lock()
	defer s.changing.Unlock()
	top := s.root.Load()
	if top.text != "" {
		return "", errors.New("a text is shared: it is shared alone")
	}
	f, err := openItem(path, s.cfg.Hidden)
	if err != nil {
		return "", err
	}
	items := top.items
	if items == nil {
		items = []*folder{top}
	}
	for _, it := range items {
		if it.path() == f.path() {
			f.root.Close()
			return "", fmt.Errorf("%s is shared already", f.path())
		}
	}
	next, err := top.with(f, s.cfg.Hidden)
	if err != nil {
		f.root.Close()
		return "", err
	}
	if next.uploadTo == nil && !top.virtual() {
		next.uploadTo = top // where its uploads went
	}
	s.root.Store(next)
	s.dirs.clear()
	return next.items[len(next.items)-1].name, nil
}

// Remove stops sharing the item name, live: new requests for it get 404;
// transfers already running from it finish, as they hold its files.
func (s *Server) Remove(name string) error {
	s.changing.Lock()
	defer s.changing.Unlock()
	next, err := s.root.Load().without(name)
	if err != nil {
		return err
	}
	s.root.Store(next)
	s.dirs.clear()
	return nil
}
