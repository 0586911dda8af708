package fileserver

import (
	"errors"
	"io"
	"os"
)

// errChanged ends a download whose file was cut short or rewritten while
// it was being sent.
var errChanged = errors.New("file changed while being sent")

// unchanged is checked after each chunk of a file body: a file that
// shrank, or was rewritten at the same length (a cp over it truncates and
// rewrites the same inode), no longer holds the bytes the response began
// with, so the body is cut — the client sees fewer bytes than
// Content-Length and a closed connection — rather than finished with
// bytes of another file. A file that only grew (appended to, like a log)
// still holds them, and its download goes on up to the length announced.
// A file replaced by a rename is another inode: the open one is sent
// unchanged. One fstat per chunk (64 KiB to 4 MiB) costs nothing that
// shows.
func (w *responseWriter) unchanged(src io.Reader) error {
	f, ok := src.(*os.File)
	if !ok || w.file < 0 {
		return nil
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		return err
	case fi.Size() < w.file, fi.Size() == w.file && !fi.ModTime().Equal(w.mtime):
		return errChanged
	}
	return nil
}
