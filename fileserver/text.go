package fileserver

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Texts both ways: a text shared with --text (or from standard input) is
// a page with a copy button for browsers and the text itself for curl and
// wget; with uploads on, POST /?text sends one to the person at the
// terminal (the page's "send text" box, or curl -d text=… / --data-binary
// with Content-Type: text/plain).

// maxText is the largest text shared or sent: a snippet, not a file.
const maxText = 64 << 10

// MaxText is maxText for the command line's checks.
const MaxText = maxText

// serveText answers "/" of a shared text: a page for a browser, the text
// itself for a client that does not ask for HTML.
func (s *Server) serveText(w *responseWriter, r *http.Request, text string) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		writePage(w, r, []byte(text))
		return
	}
	link := s.shareOrigin(r) + "/"
	s.writeSingle(w, r, &singlePage{
		Title: "A text for you",
		Texts: []string{strings.ToValidUTF8(text, "\uFFFD")},
		Link:  link,
		QR:    qrSVG(link),
		Send:  s.Uploads(),
	})
}

// errTextTooLong ends a text past maxText.
var errTextTooLong = errors.New("text too long")

// receiveText takes a text a client sends and hands it to the tracker: the
// TUI's messages, the log and the receipts read it there.
func (s *Server) receiveText(w *responseWriter, r *http.Request) {
	text, err := readText(w, r)
	switch {
	case errors.Is(err, errTextTooLong):
		w.Header().Set("Connection", "close") // the rest is not read
		s.errorMessage(w, r, http.StatusRequestEntityTooLarge, "A text is at most 64 KiB: send a longer one as a file.")
		return
	case err != nil:
		w.Header().Set("Connection", "close")
		s.errorMessage(w, r, http.StatusBadRequest, "The text could not be read.")
		return
	case strings.TrimSpace(text) == "":
		s.errorMessage(w, r, http.StatusBadRequest, "The text is empty.")
		return
	}
	client := clientIP(r.RemoteAddr)
	s.tracker.Message(client, text)
	s.tracker.Notice("text from " + client + " (" + string(appendSize(nil, int64(len(text)))) + "): " + text)
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, "/", http.StatusSeeOther) // Post/Redirect/Get
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeBody(w, r, http.StatusCreated, "text/plain; charset=utf-8", []byte("sent\n"), "/")
}

// readText reads the text of r: its body when it is text/plain, else the
// field "text" of its form (the page's, or curl -d / -F).
func readText(w http.ResponseWriter, r *http.Request) (string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "text/plain" {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxText+1))
		if len(b) > maxText {
			return "", errTextTooLong
		}
		return string(b), err
	}
	// A form encodes a byte in up to three, and a multipart form adds its
	// headers: the body may be that much larger than the text.
	r.Body = http.MaxBytesReader(w, r.Body, 3*maxText+16<<10)
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxText + 16<<10)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", errTextTooLong
		}
		return "", err
	}
	text := r.PostFormValue("text")
	if len(text) > maxText {
		return "", errTextTooLong
	}
	return text, nil
}
