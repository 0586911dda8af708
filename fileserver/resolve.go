package fileserver

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// clean turns a decoded URL path into a path relative to the root, or says
// which status refuses it. net/http has decoded the path exactly once, so
// "%2e%2e" arrives here as "..", "%2f" as "/", "%5c" as "\"; "%252e" stays
// "%2e", and an overlong UTF-8 dot is not a dot. Anything that could climb
// out is refused, whatever its spelling; the root then refuses symlinks that
// leave it.
func (s *Server) clean(p string) (rel string, status int) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return "", http.StatusBadRequest
	}
	// Most paths are clean already: no empty part, none that starts with a
	// dot ("." and ".." too). They need no copy.
	if len(p) > 1 && !strings.Contains(p, "//") && !strings.Contains(p, "/.") && !strings.HasSuffix(p, "/") {
		return p[1:], 0
	}
	parts := strings.Split(p[1:], "/")
	out := parts[:0]
	for _, part := range parts {
		switch {
		case part == "" || part == ".":
			continue
		case part == "..":
			return "", http.StatusBadRequest
		case part[0] == '.' && !s.cfg.Hidden:
			return "", http.StatusNotFound // dotfiles do not exist for clients
		}
		out = append(out, part)
	}
	if len(out) == 0 {
		return ".", 0
	}
	return strings.Join(out, "/"), 0
}

// open opens rel under the root. O_NONBLOCK keeps a FIFO in the folder from
// blocking the open; it changes nothing for regular files.
func (s *Server) open(f *folder, rel string) (*os.File, error) {
	const flags = os.O_RDONLY | syscall.O_NONBLOCK
	if s.cfg.FollowSymlinks {
		// The user asked for symlinks to be followed anywhere; clean has
		// already refused "..", so only a link can lead out.
		return os.OpenFile(filepath.Join(f.dir, filepath.FromSlash(rel)), flags, 0)
	}
	return f.root.OpenFile(rel, flags, 0)
}

// statFile is open's stat: the same path, the same rules.
func (s *Server) statFile(f *folder, rel string) (os.FileInfo, error) {
	if s.cfg.FollowSymlinks {
		return os.Stat(filepath.Join(f.dir, filepath.FromSlash(rel)))
	}
	return f.root.Stat(rel)
}

// statusOf maps an open or stat error to a status, without telling the
// client more than the status says (net/http's toHTTPError does the same).
func statusOf(err error) int {
	var errno syscall.Errno
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.As(err, &errno) && errno == syscall.ENOTDIR:
		return http.StatusNotFound
	case errors.Is(err, fs.ErrPermission), escapes(err):
		return http.StatusForbidden
	case errors.As(err, &errno) && errno == syscall.ENAMETOOLONG:
		return http.StatusRequestURITooLong
	case errors.As(err, &errno) && errno == syscall.ELOOP:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// escapes reports whether os.Root refused a path that leads out of it. The
// os package does not export that error, only its text.
func escapes(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}
