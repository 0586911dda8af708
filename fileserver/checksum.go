package fileserver

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"sync"
)

// Checksums: every upload is hashed with SHA-256 as it streams in, and a
// served file's digest is one GET away (?hash=sha256), computed once per
// version of the file (fileVersion) and kept while the file is unchanged.

// maxSums bounds the digests kept; past it the cache starts afresh.
const maxSums = 4096

// sumCache holds the digests of files, by version.
type sumCache struct {
	mu   sync.Mutex
	sums map[fileVersion][]byte
}

// fileSum is the SHA-256 of f, whose FileInfo is fi, from the cache when
// this version of the file was hashed before.
func (s *Server) fileSum(f *os.File, fi os.FileInfo) ([]byte, error) {
	v, ok := versionOf(fi)
	c := &s.sums
	if ok {
		c.mu.Lock()
		sum := c.sums[v]
		c.mu.Unlock()
		if sum != nil {
			return sum, nil
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	sum := h.Sum(nil)
	if after, err := f.Stat(); err != nil || !sameVersion(fi, after) {
		return sum, nil // changed while read: not kept
	}
	if ok {
		c.mu.Lock()
		if c.sums == nil || len(c.sums) >= maxSums {
			c.sums = make(map[fileVersion][]byte)
		}
		c.sums[v] = sum
		c.mu.Unlock()
	}
	return sum, nil
}

// sameVersion reports whether a and b describe one version of a file.
func sameVersion(a, b os.FileInfo) bool {
	va, oka := versionOf(a)
	vb, okb := versionOf(b)
	return oka == okb && va == vb && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// sameFile reports whether the file name in dir is a regular file of size
// bytes whose SHA-256 is sum: an upload that is already there.
func (s *Server) sameFile(dir *os.Root, name string, size int64, sum []byte) bool {
	fi, err := dir.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return false
	}
	f, err := dir.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil || fi.Size() != size {
		return false
	}
	got, err := s.fileSum(f, fi)
	return err == nil && string(got) == string(sum)
}

// serveSum answers GET /file?hash=sha256 with the file's digest: 64 hex
// digits and a newline.
func (s *Server) serveSum(w *responseWriter, r *http.Request, f *os.File, fi os.FileInfo) {
	sum, err := s.fileSum(f, fi)
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", "65")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.WriteString(w, hexSum(sum)+"\n")
	}
}

// hashFromState is the digest of a SHA-256 state saved with MarshalBinary.
func hashFromState(state []byte) ([]byte, error) {
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func hexSum(sum []byte) string { return hex.EncodeToString(sum) }
