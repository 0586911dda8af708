package fileserver

import (
	"net/http"
	"strconv"
)

// error writes a small HTML page for status. It never includes error text:
// what went wrong inside stays inside.
func (s *Server) error(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	page := errorPage(status, s.cfg.Version)
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
}

func errorPage(status int, version string) []byte {
	b := make([]byte, 0, 512)
	code := strconv.Itoa(status)
	text := http.StatusText(status)
	b = append(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"...)
	b = append(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"...)
	b = append(b, "<title>"+code+" "+text+"</title></head>\n<body><h1>"+code+" "+text+"</h1>\n"...)
	b = append(b, "<p><a href=\"/\">Back to the shared folder</a></p>\n<hr><small>shareit "...)
	b = appendHTML(b, version)
	b = append(b, "</small></body></html>\n"...)
	return b
}
