package fileserver

import (
	"errors"
	"io"
	"os"
	"time"
)

// errChanged ends a download whose file was cut short or rewritten while
// it was being sent.
var errChanged = errors.New("file changed while being sent")

// unchanged is checked between chunks of a file body: a file that shrank,
// or was rewritten at the same length (a cp over it truncates and rewrites
// the same inode), no longer holds the bytes the response began with, so
// the body is cut — the client sees fewer bytes than Content-Length and a
// closed connection — rather than finished with bytes of another file. A
// file that only grew (appended to, like a log) still holds them, and its
// download goes on up to the length announced. A file replaced by a
// rename is another inode: the open one is sent unchanged.
//
// The file is looked at every chunkTime, and always before the last chunk
// and when the file ended early (last). Not after every chunk: a 4 MiB
// chunk leaves in a millisecond on a fast link, and an fstat is an
// ordinary system call that wakes the runtime's monitor (see package
// accel).
func (w *responseWriter) unchanged(src io.Reader, last bool) error {
	f, ok := src.(*os.File)
	if !ok || w.file < 0 || !last && time.Since(w.seen) < chunkTime {
		return nil
	}
	w.seen = time.Now()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return err
	case fi.Size() < w.file, fi.Size() == w.file && !fi.ModTime().Equal(w.mtime):
		return errChanged
	}
	return nil
}
