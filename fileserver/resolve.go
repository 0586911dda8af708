package fileserver

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	// Most paths are clean already: no empty part, none that is "." or
	// "..". They need no copy, only the name rules per part.
	if len(p) > 1 && !strings.Contains(p, "//") && !strings.Contains(p, "/.") && !strings.HasSuffix(p, "/") {
		for part := range strings.SplitSeq(p[1:], "/") {
			if status := urlNameStatus(part, s.cfg.Hidden, runtime.GOOS); status != 0 {
				return "", status
			}
		}
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
		}
		// Dotfiles and Windows' own files do not exist for clients.
		if status := urlNameStatus(part, s.cfg.Hidden, runtime.GOOS); status != 0 {
			return "", status
		}
		out = append(out, part)
	}
	if len(out) == 0 {
		return ".", 0
	}
	return strings.Join(out, "/"), 0
}

// open opens rel under the root, as openFlags says. On macOS a name typed
// in one Unicode form finds a file stored in the other (altSpelling). A
// file the OS marks hidden, or in a folder it marks hidden, is not there
// for clients unless Hidden (hiddenOnDisk).
func (s *Server) open(f *folder, rel string) (*os.File, error) {
	file, err := s.openAs(f, rel)
	if errors.Is(err, fs.ErrNotExist) {
		if alt, ok := altSpelling(rel); ok {
			if altFile, aerr := s.openAs(f, alt); aerr == nil {
				file, err, rel = altFile, nil, alt
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if !s.cfg.Hidden && s.hiddenOnDisk(f, rel) {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: rel, Err: fs.ErrNotExist}
	}
	return file, nil
}

func (s *Server) openAs(f *folder, rel string) (*os.File, error) {
	if s.cfg.FollowSymlinks {
		// The user asked for symlinks to be followed anywhere; clean has
		// already refused "..", so only a link can lead out.
		return os.OpenFile(filepath.Join(f.dir, filepath.FromSlash(rel)), openFlags, 0)
	}
	return f.root.OpenFile(rel, openFlags, 0)
}

// statFile is open's stat: the same path, the same rules.
func (s *Server) statFile(f *folder, rel string) (os.FileInfo, error) {
	fi, err := s.statAs(f, rel)
	if errors.Is(err, fs.ErrNotExist) {
		if alt, ok := altSpelling(rel); ok {
			if altFI, aerr := s.statAs(f, alt); aerr == nil {
				fi, err, rel = altFI, nil, alt
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if !s.cfg.Hidden && s.hiddenOnDisk(f, rel) {
		return nil, &fs.PathError{Op: "stat", Path: rel, Err: fs.ErrNotExist}
	}
	return fi, nil
}

func (s *Server) statAs(f *folder, rel string) (os.FileInfo, error) {
	if s.cfg.FollowSymlinks {
		return os.Stat(filepath.Join(f.dir, filepath.FromSlash(rel)))
	}
	return f.root.Stat(rel)
}

// statusOf maps an open or stat error to a status, without telling the
// client more than the status says (net/http's toHTTPError does the same).
func statusOf(err error) int {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, errNotDir):
		return http.StatusNotFound
	case errors.Is(err, fs.ErrPermission), escapes(err):
		return http.StatusForbidden
	}
	switch faultOf(err) {
	case faultNotDir:
		return http.StatusNotFound
	case faultNameTooLong:
		return http.StatusRequestURITooLong
	case faultLoop, faultAccess:
		return http.StatusForbidden
	case faultBadName:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// escapes reports whether os.Root refused a path that leads out of it. The
// os package does not export that error, only its text.
func escapes(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}
