package fileserver

import (
	"html/template"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
)

var singleTemplate = pages.Lookup("single.html")

// singlePage is what the page of one file, or of a text, shows.
type singlePage struct {
	Title      string
	Size, Type string
	Href       string        // the file, relative to the page
	Texts      []string      // texts shown with a copy button
	Link       string        // the absolute link the QR code holds
	QR         template.HTML // an inline SVG made here
	Send       bool          // the form to send a text
	MaxText    int
	Version    string
}

// serveTop answers "/" of a share that is not one folder: the list of its
// items (as a listing, JSON, or an archive of all of them), or the page
// of a file shared alone.
func (s *Server) serveTop(w *responseWriter, r *http.Request, top *folder) {
	switch {
	case top.text != "":
		s.serveText(w, r, top.text)
		return
	case top.file != "":
		s.serveFilePage(w, r, top)
		return
	}
	if kind := archiveFormat(r); kind != nil {
		s.serveArchive(w, r, top, ".", kind)
		return
	}
	var entries []entry
	for _, it := range top.items {
		if e, ok := s.itemEntry(it); ok {
			entries = append(entries, e)
		}
	}
	var body []byte
	var err error
	h := w.Header()
	if wantsJSON(r) {
		h.Set("Content-Type", "application/json")
		body = appendJSON(nil, entries)
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", pageCSP())
		body, err = s.renderListing(top, ".", entries, s.viewOf(r))
	}
	if err != nil {
		s.error(w, r, http.StatusInternalServerError)
		return
	}
	writePage(w, r, body)
}

// itemEntry is the row of the item it at the top of a share: its name,
// and its file's or folder's size and time. ok is false when it is
// gone or refused.
func (s *Server) itemEntry(it *folder) (entry, bool) {
	rel := "."
	if it.file != "" {
		rel = it.file
	}
	fi, err := s.statFile(it, rel)
	if err != nil || !fi.IsDir() && !fi.Mode().IsRegular() {
		return entry{}, false
	}
	e := entry{Name: it.name, Size: fi.Size(), ModTime: fi.ModTime(), Dir: fi.IsDir(), URL: it.url(),
		regular: fi.Mode().IsRegular(), perm: fi.Mode().Perm()}
	if e.Dir {
		e.Size = 0
	}
	return e, true
}

// serveFilePage answers "/" of a file shared alone: its name, size and
// type, one large download button, and a QR code of its direct link.
func (s *Server) serveFilePage(w *responseWriter, r *http.Request, top *folder) {
	fi, err := s.statFile(top, top.file)
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	if wantsJSON(r) {
		e, _ := s.itemEntry(top)
		e.Name = top.file
		w.Header().Set("Content-Type", "application/json")
		writePage(w, r, appendJSON(nil, []entry{e}))
		return
	}
	s.serveLinkPage(w, r, top.file, top.url(), fi)
}

// serveLinkPage answers the page of one file, name, served at the escaped
// URL path urlPath: its size and type, a download button and a QR code of
// its link. It is "/" of a file shared alone, and any file's "?qr" (the
// listing's QR action), for another device to scan.
func (s *Server) serveLinkPage(w *responseWriter, r *http.Request, name, urlPath string, fi os.FileInfo) {
	ctype := mime.TypeByExtension(filepath.Ext(name))
	if ctype == "" {
		ctype = "file"
	}
	ctype, _, _ = strings.Cut(ctype, ";")
	link := s.shareOrigin(r) + urlPath
	p := singlePage{
		Title: displayName(name),
		Size:  string(appendSize(nil, fi.Size())),
		Type:  ctype,
		Href:  "./" + urlPath[strings.LastIndexByte(urlPath, '/')+1:], // relative: "a:b" is no scheme
		Link:  link,
		QR:    qrSVG(link),
	}
	s.writeSingle(w, r, &p)
}

// writeSingle renders the page of one file or text.
func (s *Server) writeSingle(w *responseWriter, r *http.Request, p *singlePage) {
	p.Version, p.MaxText = s.cfg.Version, maxText
	var b buffer
	if err := singleTemplate.Execute(&b, p); err != nil {
		s.error(w, r, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", singleCSP())
	writePage(w, r, b.b)
}

// writePage sends a page of shareit's (a listing, the page of a file or a
// text): revalidated each time, as the share may change under it.
func writePage(w *responseWriter, r *http.Request, body []byte) {
	h := w.Header()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// requestOrigin is the scheme and host the client reached the server by,
// which is the one another device on its network can use too.
func requestOrigin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// shareOrigin is requestOrigin with the secret link's /~s/TOKEN when
// there is one: a code on a page is for another device, which has no
// cookie, so the link it holds must let it in by itself.
func (s *Server) shareOrigin(r *http.Request) string {
	if p := s.secretPath(); p != "" {
		return requestOrigin(r) + "/" + p
	}
	return requestOrigin(r)
}

// qrSVG draws text as a QR code in SVG: one path of dark modules on a
// light square with the standard quiet zone, so it scans in either theme.
func qrSVG(text string) template.HTML {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return ""
	}
	bits := q.Bitmap() // with its quiet zone
	n := strconv.Itoa(len(bits))
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="QR code of the link" viewBox="0 0 ` + n + " " + n + `" shape-rendering="crispEdges"><rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1 // dark modules side by side: one rectangle
			for x+run < len(row) && row[x+run] {
				run++
			}
			n := strconv.Itoa(run)
			b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + n + "v1h-" + n + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()) // numbers only: nothing of text is in it
}

// singleCSP is the Content-Security-Policy of the page of one file or text:
// its own style and script, forms to itself, nothing else.
var singleCSP = sync.OnceValue(func() string {
	var b buffer
	if err := singleTemplate.Execute(&b, &singlePage{}); err != nil {
		panic(err)
	}
	return "default-src 'none'; style-src" + cspHashes(b.b, "style") + "; script-src" + cspHashes(b.b, "script") +
		"; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
})
