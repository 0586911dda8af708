package fileserver

import (
	"net/http"
	"strconv"
)

// error writes a small HTML page for status. It never includes error text:
// what went wrong inside stays inside.
func (s *Server) error(w http.ResponseWriter, r *http.Request, status int) {
	s.errorMessage(w, r, status, "")
}

// errorMessage is error with one sentence for people under the heading:
// shareit's own words (say, why an upload was refused), never an error's text.
func (s *Server) errorMessage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h := w.Header()
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", pageCSP())
	page := s.errorPage(status, msg)
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
}
