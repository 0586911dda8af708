package fileserver

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The pages shareit renders — folder listings and error pages — are
// html/templates embedded in the binary with their stylesheet and script,
// so they work with no network beyond shareit itself. Listings and error
// pages share base.css.

//go:embed templates
var templateFS embed.FS

var (
	pages           = template.Must(template.ParseFS(templateFS, "templates/*.html", "templates/*.css", "templates/*.js"))
	listingTemplate = pages.Lookup("listing.html")
	errorTemplate   = pages.Lookup("error.html")
	dropTemplate    = pages.Lookup("drop.html")
)

// web is the state of the pages: whether uploads are on, and the error
// pages rendered so far.
type web struct {
	uploads atomic.Bool
	errors  sync.Map               // errorKey → []byte
	wait    atomic.Pointer[[]byte] // the page of a device waiting (--ask)
}

// Uploads reports whether the server accepts uploads.
func (s *Server) Uploads() bool { return s.web.uploads.Load() }

// SetUploads turns uploads on or off, for the requests that come next.
func (s *Server) SetUploads(on bool) { s.web.uploads.Store(on) }

// sortKey is a column a listing can be sorted by.
type sortKey uint8

const (
	sortName sortKey = iota
	sortSize
	sortModified
	nSortKeys
)

var sortNames = [nSortKeys]string{"name", "size", "modified"}

// view is how one listing page shows a folder: its order, and whether it
// offers the upload form. Each view of a folder is rendered once and
// cached with the folder (cachedDir.page).
type view struct {
	sort    sortKey
	desc    bool
	uploads bool
}

// viewOf reads ?sort=name|size|modified&order=asc|desc. Names sort A to Z
// first; sizes and times biggest and newest first.
func (s *Server) viewOf(r *http.Request) view {
	v := view{uploads: s.Uploads() && s.root.Load().uploadable()}
	if r.URL.RawQuery == "" {
		return v
	}
	q := r.URL.Query()
	switch q.Get("sort") {
	case "size":
		v.sort, v.desc = sortSize, true
	case "modified":
		v.sort, v.desc = sortModified, true
	}
	switch q.Get("order") {
	case "asc":
		v.desc = false
	case "desc":
		v.desc = true
	}
	return v
}

// page is the cached rendering of view v of the folder.
func (cd *cachedDir) page(v view) *lazyBytes {
	return &cd.html[v.sort][b2i(v.desc)][b2i(v.uploads)]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageInfo is what a listing page shows beyond the folder's entries.
type pageInfo struct {
	view      view
	maxUpload int64
	// madeCert is set when the server presents a certificate it made
	// (--tls): browsers warn about it, and the page says how to check it.
	madeCert bool
}

// renderListing renders view v of the folder rel of root, whose entries
// are in the listing's default order (folders first, then by name).
func (s *Server) renderListing(root *folder, rel string, entries []entry, v view) ([]byte, error) {
	crumbs := rel
	if root.name != "" { // an item of several: the top lists it
		crumbs = path.Join(root.name, rel)
	}
	l := s.newListing(crumbs, sortEntries(entries, v))
	l.page = pageInfo{view: v, maxUpload: s.cfg.MaxUpload, madeCert: s.access.tls != nil && s.cfg.CertFile == ""}
	l.Crumbs[0].Name = rootName(root)
	b := buffer{b: make([]byte, 0, 8<<10+len(entries)*200)}
	l.out = &b // the template writes straight to b, so Rows's place is its end
	err := listingTemplate.Execute(&b, l)
	return b.b, err
}

// rootName names the served folder in pages and archives: its own name.
func rootName(root *folder) string {
	if root.name != "" || root.items != nil {
		return "shared"
	}
	name := filepath.Base(root.dir)
	if name == "/" || name == "." {
		return "shared"
	}
	return displayName(name)
}

// sortEntries returns entries in the order v asks for, folders always
// first. The default order is the entries' own: they are not copied.
func sortEntries(entries []entry, v view) []entry {
	if v.sort == sortName && !v.desc {
		return entries
	}
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b entry) int {
		if a.Dir != b.Dir {
			if a.Dir {
				return -1
			}
			return 1
		}
		var c int
		switch v.sort {
		case sortName:
			c = cmp.Compare(a.Name, b.Name)
		case sortSize:
			c = cmp.Compare(a.Size, b.Size)
		case sortModified:
			c = a.ModTime.Compare(b.ModTime)
		}
		if v.desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.Name, b.Name) // ties by name, A to Z
		}
		return c
	})
	return sorted
}

// column is one sortable column header.
type column struct {
	Label string
	Class string
	URL   string // the page sorted by this column: the other way round when it is the current one
	Sort  string // aria-sort of the current column ("ascending", "descending"); "" for the others
}

// Columns are the table's headers, each a link that sorts by it.
func (l *listing) Columns() []column {
	cur := l.page.view
	cols := []column{{Label: "Name", Class: "n"}, {Label: "Size", Class: "s"}, {Label: "Modified", Class: "m"}}
	for i := range cols {
		key := sortKey(i)
		desc := key != sortName // the first click: A to Z, biggest, newest
		if key == cur.sort {
			desc = !cur.desc
			cols[i].Sort = "ascending"
			if cur.desc {
				cols[i].Sort = "descending"
			}
		}
		order := "asc"
		if desc {
			order = "desc"
		}
		cols[i].URL = "?sort=" + sortNames[key] + "&order=" + order
	}
	return cols
}

// Uploads reports whether the page offers the upload form.
func (l *listing) Uploads() bool { return l.page.view.uploads }

// MadeCert reports whether the page says how to check the certificate.
func (l *listing) MadeCert() bool { return l.page.madeCert }

// UploadLimit is the largest upload accepted, for people ("100 MiB"), or
// "" when there is no limit.
func (l *listing) UploadLimit() string {
	if l.page.maxUpload <= 0 {
		return ""
	}
	return string(appendSize(nil, l.page.maxUpload))
}

// UploadMax is the largest upload accepted in bytes, 0 for no limit.
func (l *listing) UploadMax() int64 { return l.page.maxUpload }

// Summary counts the folder's entries for the footer: "2 folders, 3 files, 1.5 KiB".
func (l *listing) Summary() string {
	var dirs, files int
	var size int64
	for i := range l.Entries {
		if l.Entries[i].Dir {
			dirs++
		} else {
			files++
			size += l.Entries[i].Size
		}
	}
	b := make([]byte, 0, 48)
	b = appendCount(b, dirs, "folder")
	b = append(b, ", "...)
	b = appendCount(b, files, "file")
	if files > 0 {
		b = append(b, ", "...)
		b = appendSize(b, size)
	}
	return string(b)
}

func appendCount(b []byte, n int, noun string) []byte {
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ' ')
	b = append(b, noun...)
	if n != 1 {
		b = append(b, 's')
	}
	return b
}

// kindOf is the icon class of an entry's row: a folder, or a file kind
// guessed from its extension.
func kindOf(e *entry) string {
	if e.Dir {
		return "d"
	}
	dot := strings.LastIndexByte(e.Name, '.')
	if dot <= 0 || len(e.Name)-dot-1 > 4 {
		return "f"
	}
	var buf [4]byte
	ext := buf[:0]
	for _, c := range []byte(e.Name[dot+1:]) {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		ext = append(ext, c)
	}
	if k, ok := extKinds[string(ext)]; ok {
		return k
	}
	return "f"
}

var extKinds = func() map[string]string {
	m := map[string]string{}
	for kind, exts := range map[string]string{
		"i": "jpg jpeg png gif webp svg bmp ico heic heif avif tif tiff raw cr2 nef dng psd xcf",
		"v": "mp4 m4v mkv webm mov avi wmv flv mpg mpeg m2ts mts 3gp ogv",
		"a": "mp3 flac wav ogg oga opus m4a aac wma aif aiff mid midi",
		"z": "zip tar gz tgz bz2 tbz xz txz zst 7z rar iso img dmg deb rpm apk jar cab",
		"t": "txt md pdf doc docx odt rtf csv tsv json xml yaml yml toml ini conf log html htm css js go py c h cc cpp rs java kt sh rb php sql tex epub xls xlsx ods ppt pptx odp srt vtt",
	} {
		for _, ext := range strings.Fields(exts) {
			m[ext] = kind
		}
	}
	return m
}()

// errorKey names one rendered error page.
type errorKey struct {
	status int
	msg    string
}

// errorData is what error.html shows; with Wait, it is the page of a
// device waiting to be let in (--ask), whose script asks until it may.
type errorData struct {
	Code          int
	Text, Message string
	Version       string
	Wait          bool
}

// waitPage answers a device waiting to be let in: 503, the page with its
// script. It is the same for everyone, made once.
func (s *Server) waitPage(w http.ResponseWriter, r *http.Request) {
	page := s.web.wait.Load()
	if page == nil {
		var b buffer
		if err := errorTemplate.Execute(&b, errorData{Code: http.StatusServiceUnavailable, Text: "Waiting for approval",
			Message: "The person sharing these files has been asked to let this device in. This page goes on by itself once they do.",
			Version: s.cfg.Version, Wait: true}); err != nil {
			panic(err) // the template is fixed and tested
		}
		page = &b.b
		s.web.wait.Store(page)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", pageCSP())
	h.Set("Content-Length", strconv.Itoa(len(*page)))
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		w.Write(*page)
	}
}

// errorPage is the page for status, with msg (one of shareit's own
// sentences, never an error's text) under the heading when not "".
func (s *Server) errorPage(status int, msg string) []byte {
	key := errorKey{status, msg}
	if b, ok := s.web.errors.Load(key); ok {
		return b.([]byte)
	}
	var b buffer
	err := errorTemplate.Execute(&b, errorData{Code: status, Text: http.StatusText(status), Message: msg, Version: s.cfg.Version})
	if err != nil {
		// The template is fixed and tested; this cannot happen.
		return []byte(strconv.Itoa(status) + " " + http.StatusText(status) + "\n")
	}
	s.web.errors.Store(key, b.b)
	return b.b
}

// pageCSP is the Content-Security-Policy of shareit's own pages: nothing
// but their inline style and script, the same-origin requests of the upload
// form, and data: images. Should a name ever slip through escaping, the
// browser still runs no script of it. The hashes are those of the style
// and script elements as rendered.
var pageCSP = sync.OnceValue(func() string {
	l := &listing{Crumbs: []crumb{{URL: "/"}}, page: pageInfo{view: view{uploads: true}}}
	var listingPage, errPage, waitPage buffer
	if err := listingTemplate.Execute(&listingPage, l); err != nil {
		panic(err)
	}
	if err := errorTemplate.Execute(&errPage, errorData{}); err != nil {
		panic(err)
	}
	if err := errorTemplate.Execute(&waitPage, errorData{Wait: true}); err != nil {
		panic(err)
	}
	styles := cspHashes(listingPage.b, "style")
	styles += cspHashes(errPage.b, "style")
	scripts := cspHashes(listingPage.b, "script") + cspHashes(waitPage.b, "script")
	return "default-src 'none'; style-src" + styles + "; script-src" + scripts +
		"; img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
})

// uploadCSP is pageCSP for a page with the upload form, served under host:
// it also lets the page load the bundle of the resumable uploads, and
// nothing else.
func uploadCSP(host string) string {
	return strings.Replace(pageCSP(), "; img-src", scriptSource(host)+"; img-src", 1)
}

// cspHashes returns " 'sha256-…'" for each <tag> element in page.
func cspHashes(page []byte, tag string) string {
	var out string
	open, end := []byte("<"+tag+">"), []byte("</"+tag+">")
	for {
		i := bytes.Index(page, open)
		if i < 0 {
			return out
		}
		page = page[i+len(open):]
		j := bytes.Index(page, end)
		if j < 0 {
			return out
		}
		sum := sha256.Sum256(page[:j])
		out += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		page = page[j:]
	}
}
