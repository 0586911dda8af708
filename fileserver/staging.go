package fileserver

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Resumable uploads wait in a staging folder until complete. It must be on
// the file system of the served folder, so that landing is a link (no
// copy, atomic), and never inside the served folder, so that nothing
// half-done is ever listed or served, even with --hidden. The first that
// fits of:
//
//  1. Config.Staging, when set;
//  2. the user's cache folder: shareit/uploads/KEY, where KEY is made from
//     the served folder's path, so a restarted shareit finds its uploads;
//  3. a folder .shareit-uploads/KEY next to the served folder.
//
// When neither 2 nor 3 is on the same file system, 2 is used and an upload
// is copied when it lands.

// stage is the staging folder of one folder uploads land in, opened at
// the first resumable upload.
type stage struct {
	once    sync.Once
	root    *os.Root
	err     error
	cleaned time.Time // guarded by mu
	mu      sync.Mutex
}

// staging returns the staging folder of the folder uploads land in now
// (UploadFolder). Uploads abandoned for tusMaxAge are removed at most once
// an hour.
func (s *Server) staging() (*os.Root, error) {
	dir := s.UploadFolder()
	if dir == "" {
		return nil, refuse(http.StatusForbidden, "Uploads need one folder to land in: start shareit with --upload-to DIR.")
	}
	v, _ := s.stages.LoadOrStore(dir, &stage{})
	st := v.(*stage)
	st.once.Do(func() { st.root, st.err = openStaging(s.cfg.Staging, dir) })
	if st.err != nil {
		return nil, st.err
	}
	now := time.Now()
	st.mu.Lock()
	clean := now.Sub(st.cleaned) > time.Hour
	if clean {
		st.cleaned = now
	}
	st.mu.Unlock()
	if clean {
		cleanStaging(st.root, tusMaxAge, now)
	}
	return st.root, nil
}

func openStaging(explicit, served string) (*os.Root, error) {
	var candidates []string
	if explicit != "" {
		candidates = []string{explicit}
	} else {
		sum := sha256.Sum256([]byte(served))
		key := hex.EncodeToString(sum[:8])
		if cache, err := os.UserCacheDir(); err == nil {
			candidates = append(candidates, filepath.Join(cache, "shareit", "uploads", key))
		}
		candidates = append(candidates, filepath.Join(filepath.Dir(served), ".shareit-uploads", key))
	}
	servedInfo, err := os.Stat(served)
	if err != nil {
		return nil, err
	}
	first := ""
	for _, c := range candidates {
		if inside(c, served) || os.MkdirAll(c, 0o700) != nil || inside(c, served) {
			continue
		}
		fi, err := os.Stat(c)
		if err != nil {
			continue
		}
		if sameDevice(fi, servedInfo) {
			return os.OpenRoot(c)
		}
		if first == "" {
			first = c
		}
	}
	if first == "" {
		return nil, errors.New("no folder for resumable uploads outside the shared folder")
	}
	return os.OpenRoot(first)
}

// inside reports whether dir is the folder served or within it, links
// resolved where they exist.
func inside(dir, served string) bool {
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if s, err := filepath.EvalSymlinks(served); err == nil {
		served = s
	}
	rel, err := filepath.Rel(served, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// sameDevice reports whether a and b are on one file system; true where
// the OS does not say (versionOf).
func sameDevice(a, b os.FileInfo) bool {
	va, oka := versionOf(a)
	vb, okb := versionOf(b)
	return !oka || !okb || va.dev == vb.dev
}

// cleanUploads removes every resumable upload not yet complete, at exit
// when the user asked for it (Config.CleanUploads).
func (s *Server) cleanUploads() {
	s.stages.Range(func(_, v any) bool {
		st := v.(*stage)
		st.once.Do(func() { st.err = errors.New("no staging opened") }) // none to open now
		if st.root != nil {
			cleanStaging(st.root, -1, time.Now())
		}
		return true
	})
}
