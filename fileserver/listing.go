package fileserver

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"shareit/transfer"
)

// listing is what the folder page shows. The page is an html/template; its
// rows, thousands in a big folder, are rendered by Rows with the same
// escaping but without reflection (ten times faster; see BenchmarkListing10k).
type listing struct {
	Title   string
	Crumbs  []crumb
	Parent  bool
	Entries []entry
	Version string
	page    pageInfo // the order, upload form and limits shown
	// out is the page being written: Rows appends to it at once rather
	// than return a megabyte that the template copies twice.
	out *buffer
}

type crumb struct{ Name, URL string }

// entry is one item of a folder; its JSON form is the listing for scripts.
type entry struct {
	Name    string    `json:"name"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modified"`
	Dir     bool      `json:"dir"`
	URL     string    `json:"url"` // absolute, percent-encoded: every byte of the name survives
	link    bool      // a symlink; Size, ModTime and Dir are its target's
	regular bool      // a regular file, or a link to one: what can be served
	perm    fs.FileMode
}

// Rows renders the table rows. Links are relative ("./name") so that a name
// such as "a:b" is not read as a URL scheme; names that are not valid UTF-8
// are shown with U+FFFD and control characters escaped, while the link still
// carries every byte.
func (l *listing) Rows() template.HTML {
	if l.out != nil {
		l.out.b = l.appendRows(l.out.b)
		return ""
	}
	return template.HTML(l.appendRows(nil))
}

func (l *listing) appendRows(b []byte) []byte {
	for i := range l.Entries {
		e := &l.Entries[i]
		b = append(b, `<tr class="`...)
		b = append(b, kindOf(e)...)
		b = append(b, `"><td class="n"><a href="./`...)
		b = appendHTML(b, e.URL[strings.LastIndexByte(strings.TrimSuffix(e.URL, "/"), '/')+1:])
		b = append(b, `">`...)
		b = appendHTML(b, displayName(e.Name))
		if e.Dir {
			b = append(b, `/</a></td><td class="s"></td><td class="m">`...)
		} else {
			b = append(b, `</a></td><td class="s">`...)
			b = appendSize(b, e.Size)
			b = append(b, `</td><td class="m">`...)
		}
		// The date never breaks; a narrow page puts the time under it.
		b = e.ModTime.UTC().AppendFormat(b, "<span>2006-01-02</span> 15:04")
		if !e.Dir {
			// The link as a QR code, for another device (serveLinkPage).
			b = append(b, ` <a class="qr" href="./`...)
			b = appendHTML(b, e.URL[strings.LastIndexByte(e.URL, '/')+1:])
			b = append(b, `?qr" aria-label="QR code of the link">QR</a>`...)
		}
		b = append(b, "</td></tr>\n"...)
	}
	return b
}

// displayName is a name as people should see it: no raw control or bidi
// characters, no invalid UTF-8.
func displayName(name string) string {
	return strings.ToValidUTF8(transfer.Printable(name), "\uFFFD")
}

// appendHTML appends s escaped for HTML text and double-quoted attributes.
func appendHTML(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendSize appends n in binary units: "512 B", "1.5 KiB", "117 MiB".
func appendSize(b []byte, n int64) []byte {
	const unit = 1024
	if n < unit {
		b = strconv.AppendInt(b, n, 10)
		return append(b, " B"...)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	prec := 1
	if v >= 100 {
		prec = 0
	}
	b = strconv.AppendFloat(b, v, 'f', prec, 64)
	b = append(b, ' ', "KMGTPE"[exp])
	return append(b, "iB"...)
}

// serveDir answers a folder: its index.html if it has one, else a listing
// as HTML, or as JSON when asked with ?json or Accept: application/json.
// Listings come from the dirCache when the folder has not changed.
func (s *Server) serveDir(w *responseWriter, r *http.Request, root *folder, rel string, d *os.File, fi os.FileInfo) {
	asJSON := wantsJSON(r)
	key := dirKey{root, rel}
	var cd *cachedDir
	var err error
	cerr := withDir(d, root, rel, s.cfg.FollowSymlinks, func(h dirHandle) {
		if cd = s.dirs.get(key, fi); cd != nil && s.changed(cd, h) {
			s.dirs.drop(key)
			cd = nil
		}
		if cd != nil {
			return
		}
		// Concurrent requests for a folder that is not cached share one
		// build: a burst of them must not each read and render it.
		v, _ := versionOf(fi)
		flight := fmt.Sprintf("%p\x00%s\x00%d\x00%d", root, rel, v.ino, fi.ModTime().UnixNano())
		built, berr, _ := s.builds.Do(flight, func() (any, error) { return s.buildDir(key, fi, d, h) })
		if berr != nil {
			err = berr
			return
		}
		cd = built.(*cachedDir)
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	if cd.index && !asJSON && s.serveIndex(w, r, root, rel) {
		return
	}
	var body []byte
	if asJSON {
		w.Header().Set("Content-Type", "application/json")
		body, err = cd.json.get(func() ([]byte, error) { return appendJSON(nil, cd.entries), nil })
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		v := s.viewOf(r)
		csp := pageCSP()
		if v.uploads {
			csp = uploadCSP(r.Host)
		}
		w.Header().Set("Content-Security-Policy", csp)
		body, err = cd.page(v).get(func() ([]byte, error) { return s.renderListing(root, rel, cd.entries, v) })
	}
	if err != nil {
		s.error(w, r, http.StatusInternalServerError)
		return
	}
	writePage(w, r, body)
}

// buildDir reads the folder d (fi, open as h) into a cachedDir, and keeps
// it in the cache unless it changed while being read. The watch starts
// before the folder is read, so no change slips between the two.
func (s *Server) buildDir(key dirKey, fi os.FileInfo, d *os.File, h dirHandle) (cd *cachedDir, err error) {
	read := time.Now()
	n := -1
	if s.dirs.needsCount() {
		// The watch's cost depends on the entries (kqueue): count them,
		// then read again from the start once watched.
		names, err := d.Readdirnames(-1)
		if err != nil {
			return nil, err
		}
		if _, err := d.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		n = len(names)
	}
	t := s.dirs.watch(filepath.Join(key.root.dir, filepath.FromSlash(key.rel)), d, n)
	defer func() { s.dirs.put(cd, t, read) }()
	entries, volatile, err := s.readDir(key.root, key.rel, d, h, !t.watched)
	if err != nil {
		return nil, err
	}
	cd = &cachedDir{key: key, watch: t.watch, watched: t.watched, dir: fi, entries: entries, volatile: volatile}
	for _, index := range [...]string{"index.html", "index.htm"} {
		if h.exists(index) {
			cd.index = true // creating or removing one drops the cache entry
		}
	}
	return cd, nil
}

// serveIndex serves the folder's index.html (or index.htm) if it has one.
func (s *Server) serveIndex(w *responseWriter, r *http.Request, root *folder, rel string) bool {
	for _, index := range [...]string{"index.html", "index.htm"} {
		f, err := s.open(root, path.Join(rel, index))
		if err != nil {
			continue
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			s.serveFile(w, r, f, nil, fi)
			return true
		}
	}
	return false
}

func wantsJSON(r *http.Request) bool {
	if r.URL.RawQuery != "" && r.URL.Query().Has("json") {
		return true
	}
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// nodeStat is what a listing needs of one name, as the OS gives it
// without following a final symlink (dirHandle.lstat).
type nodeStat struct {
	size   int64
	mtime  time.Time
	mode   fs.FileMode // type (ModeIrregular for what cannot be served) and permissions
	hidden bool        // the OS marks it hidden (hiddenAttr)
}

// readDir lists the folder d (open as h) under the same rules as serving:
// no hidden names (dotfiles, Windows' own files, files the OS marks
// hidden) unless Hidden, no name clean would refuse, and no symlinks that
// lead out of the root unless FollowSymlinks (nor broken ones). Folders
// come first, then names in byte order. volatile indexes the entries to
// stat again on every hit: all of them when unwatched, else those whose
// stat a watch on the folder does not cover: subfolders (their own changes
// move their mtime) and symlinks (their targets).
func (s *Server) readDir(root *folder, rel string, d *os.File, h dirHandle, unwatched bool) (entries []entry, volatile []int, err error) {
	// Names only: ReadDir would lstat every entry whose type getdents does
	// not give, and the lstat below is needed anyway.
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, nil, err
	}
	base := root.url()
	if rel != "." {
		for part := range strings.SplitSeq(rel, "/") {
			base += pathEscape(part) + "/"
		}
	}
	entries = make([]entry, 0, len(names))
	for _, name := range names {
		if strings.IndexByte(name, '\\') >= 0 || urlNameStatus(name, s.cfg.Hidden, runtime.GOOS) != 0 {
			continue // hidden, or unservable: clean refuses it
		}
		e, ok := s.stat(root, rel, h, name)
		if !ok {
			continue
		}
		e.URL = base + pathEscape(name)
		if e.Dir {
			e.URL += "/"
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.Dir != b.Dir {
			if a.Dir {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for i := range entries {
		if unwatched || entries[i].Dir || entries[i].link {
			volatile = append(volatile, i)
		}
	}
	return entries, volatile, nil
}

// stat describes one name in the folder h, following a symlink the way
// open would, so a listed link is one that can be served. ok is false for
// names gone since they were read, for refused links, and for what the OS
// marks hidden unless Hidden.
func (s *Server) stat(root *folder, rel string, h dirHandle, name string) (e entry, ok bool) {
	st, ok := h.lstat(name)
	if !ok || st.hidden && !s.cfg.Hidden {
		return e, false
	}
	e = entry{Name: name, Size: st.size, ModTime: st.mtime, Dir: st.mode.IsDir(),
		regular: st.mode.IsRegular(), perm: st.mode.Perm()}
	if st.mode&fs.ModeSymlink != 0 {
		fi, err := s.statLink(root, path.Join(rel, name))
		if err != nil || hiddenAttr(fi) && !s.cfg.Hidden {
			return e, false
		}
		e.Size, e.ModTime, e.Dir, e.link = fi.Size(), fi.ModTime(), fi.IsDir(), true
		e.regular, e.perm = fi.Mode().IsRegular(), fi.Mode().Perm()
	}
	if e.Dir {
		e.Size = 0
	}
	return e, true
}

// changed reports whether a volatile entry of a cached folder differs from
// what is on disk now.
func (s *Server) changed(cd *cachedDir, h dirHandle) bool {
	for _, i := range cd.volatile {
		old := &cd.entries[i]
		now, ok := s.stat(cd.key.root, cd.key.rel, h, old.Name)
		if !ok || now.Size != old.Size || !now.ModTime.Equal(old.ModTime) || now.Dir != old.Dir || now.link != old.link ||
			now.regular != old.regular || now.perm != old.perm {
			return true
		}
	}
	return false
}

// statLink follows a symlink the way open would, so a listed link is one
// that can be served.
func (s *Server) statLink(root *folder, rel string) (fs.FileInfo, error) {
	if s.cfg.FollowSymlinks {
		return os.Stat(filepath.Join(root.dir, filepath.FromSlash(rel)))
	}
	return root.root.Stat(rel)
}

// newListing builds the page data for the folder rel ("." for the root).
func (s *Server) newListing(rel string, entries []entry) *listing {
	l := &listing{
		Title:   "Index of /",
		Entries: entries,
		Version: s.cfg.Version,
		Crumbs:  []crumb{{Name: "", URL: "/"}},
	}
	if rel == "." {
		return l
	}
	l.Parent = true
	l.Title += displayName(rel) + "/"
	esc := "/"
	for part := range strings.SplitSeq(rel, "/") {
		esc += pathEscape(part) + "/"
		l.Crumbs = append(l.Crumbs, crumb{Name: displayName(part), URL: esc})
	}
	return l
}

// pathEscape escapes a name for one URL path segment, every byte that is
// not unreserved (RFC 3986) as %XX, so any byte string survives the trip.
func pathEscape(name string) string {
	n := 0
	for i := 0; i < len(name); i++ {
		if !unreserved(name[i]) {
			n++
		}
	}
	if n == 0 {
		return name
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(name)+2*n)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
