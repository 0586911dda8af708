package fileserver

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"shareit/transfer"
)

// A drop box (--drop): visitors send files, by every upload path, into the
// served folder's top, and can see and take nothing: no listing, no
// download, no archive. The page at / says where the files go and has the
// upload form. The check is one step of admit, so every upload path that
// goes through ServeHTTP (the form, curl -F, curl -T, tus) inherits it.

// dropText is the sentence of everything a drop box refuses.
const dropText = "This is a drop box: you can send files here, but not see or take any."

// Drop reports whether the server is a drop box.
func (s *Server) Drop() bool { return s.cfg.Drop }

// admitDrop is admit's --drop step: it lets uploads through, and answers
// everything else itself, returning false.
func (s *Server) admitDrop(w *responseWriter, r *http.Request) bool {
	// tus creates an upload with a POST to the folder (below), then asks
	// and sends its bytes under its own path (tusPrefix), which serves no
	// file. A Tus-Resumable header alone is no pass: any client
	// can send one.
	tus := strings.HasPrefix(r.URL.Path, tusPrefix)
	top := !strings.Contains(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case tus, r.Method == http.MethodOptions:
		return true
	case (r.Method == http.MethodPost || r.Method == http.MethodPut) && top:
		return true
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.Path == "/":
		s.dropPage(w, r)
		return false
	}
	s.errorMessage(w, r, http.StatusForbidden, dropText)
	return false
}

// dropPage is the page at / of a drop box.
func (s *Server) dropPage(w *responseWriter, r *http.Request) {
	l := &listing{Version: s.cfg.Version, page: pageInfo{view: view{uploads: true}, maxUpload: s.cfg.MaxUpload}}
	var b buffer
	err := dropTemplate.Execute(&b, struct {
		*listing
		Folder string
	}{l, filepath.Base(s.UploadFolder())})
	if err != nil {
		s.error(w, r, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", uploadCSP(r.Host))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b.b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b.b)
	}
}

// arrived tells the person at the terminal of each file a drop box
// received.
func (s *Server) arrived(client string, files []saved) {
	if !s.cfg.Drop {
		return
	}
	for _, f := range files {
		s.tracker.Access(client, transfer.ActionDrop, "received "+f.name+" ("+transfer.FormatBytes(f.size)+") from "+client)
	}
}
