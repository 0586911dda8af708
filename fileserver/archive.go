package fileserver

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shareit/transfer"
)

// A folder downloads as one archive with ?zip or ?tgz. Archives stream
// straight from the files, with no temporary file, and hold exactly what
// the listings show: the same readDir decides, so dotfiles and symlinks
// that lead out of the root stay out unless Hidden and FollowSymlinks,
// and a symlink back to a folder being archived is left out rather than
// followed forever.

// archiveKind is a kind of folder archive.
type archiveKind struct {
	query string // ?zip
	ext   string
	ctype string
}

var (
	zipArchive = &archiveKind{"zip", ".zip", "application/zip"}
	tgzArchive = &archiveKind{"tgz", ".tar.gz", "application/gzip"}
)

// archiveFormat is the archive a folder request asks for, or nil.
func archiveFormat(r *http.Request) *archiveKind {
	if r.URL.RawQuery == "" {
		return nil
	}
	q := r.URL.Query()
	switch {
	case q.Has("zip"):
		return zipArchive
	case q.Has("tgz"):
		return tgzArchive
	}
	return nil
}

// archiveEntry is one member of a folder archive.
type archiveEntry struct {
	from *folder // the folder, or item of a share, it is in
	rel  string  // path under from, to open
	zipFile
}

// archiveBuffer is how much is gathered before it goes to the connection:
// one tracked chunk, between which pause and cancel are honoured.
const archiveBuffer = 256 << 10

// serveArchive streams the folder rel as kind. A zip's length is known
// before it starts and sent as Content-Length; a .tar.gz is compressed as
// it goes, so its length is not. A file that changes size on the way
// aborts the response: the client sees a broken download, never an
// archive that silently differs from the one announced.
func (s *Server) serveArchive(w *responseWriter, r *http.Request, root *folder, rel string, kind *archiveKind) {
	top := filepath.Base(root.dir)
	if rel != "." {
		top = path.Base(rel)
	} else if root.name != "" {
		top = root.name
	} else if top == "/" || top == "." {
		top = "shared"
	}
	var entries []archiveEntry
	var err error
	if root.items != nil {
		entries, err = s.shareEntries(root, top)
	} else {
		entries, err = s.archiveEntries(root, rel, top)
	}
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", kind.ctype)
	h.Set("Content-Disposition", attachment(top+kind.ext))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	var zw *zipWriter
	size := int64(-1)
	if kind == zipArchive {
		files := make([]zipFile, len(entries))
		for i := range entries {
			files[i] = entries[i].zipFile
		}
		zw = newZipWriter(nil, files)
		size = zw.size()
		h.Set("Content-Length", strconv.FormatInt(size, 10))
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.track(transfer.Info{
		Kind:      transfer.Archive,
		Client:    w.client,
		Port:      clientPort(r.RemoteAddr),
		Path:      r.URL.Path + "?" + kind.query,
		UserAgent: r.UserAgent(),
		Size:      size,
	})
	w.WriteHeader(http.StatusOK)

	bw := bufio.NewWriterSize(w, archiveBuffer)
	if kind == zipArchive {
		zw.w = bw
		err = s.writeZip(zw, entries)
	} else {
		err = s.writeTarGz(bw, entries)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		// Cut the connection: a zip must not end short of its length, and a
		// .tar.gz must not end with the last chunk as if it were whole.
		w.fail(err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) writeZip(zw *zipWriter, entries []archiveEntry) error {
	for i := range entries {
		if err := s.archiveFile(&entries[i], zw.add); err != nil {
			return err
		}
	}
	return zw.close()
}

func (s *Server) writeTarGz(w io.Writer, entries []archiveEntry) error {
	// BestSpeed: on a LAN the compressor, not the network, is the limit.
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	for i := range entries {
		e := &entries[i]
		hdr := &tar.Header{Name: e.name, Size: e.size, Mode: int64(e.perm.Perm()), ModTime: e.mtime, Typeflag: tar.TypeReg}
		if e.dir {
			hdr.Typeflag = tar.TypeDir
		}
		err := s.archiveFile(e, func(r io.Reader) error {
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if r == nil {
				return nil
			}
			n, err := io.Copy(tw, r)
			if err == nil && n != e.size {
				err = errSizeChanged
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// archiveFile opens the file of e again, through the same rules as
// everything served, checks it is still the size the plan holds, and
// hands exactly that many bytes to add (nil for a folder).
func (s *Server) archiveFile(e *archiveEntry, add func(io.Reader) error) error {
	if e.dir {
		return add(nil)
	}
	f, err := s.open(e.from, e.rel)
	if err != nil {
		return errSizeChanged // gone, or now out of bounds
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() != e.size {
		return errSizeChanged
	}
	if err := add(&io.LimitedReader{R: f, N: e.size}); err != nil {
		return err
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != e.size {
		return errSizeChanged // it grew or shrank while being read
	}
	return nil
}

// archiveEntries lists the folder rel and everything below it as the
// listings show them, with top as the name of the folder in the archive.
// Subfolders that cannot be read are left out, as are folders already on
// the way down (a symlink loop).
func (s *Server) archiveEntries(root *folder, rel, top string) ([]archiveEntry, error) {
	d, err := s.open(root, rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fi, err := d.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, errNotDir
	}
	out := []archiveEntry{{from: root, rel: rel, zipFile: zipFile{name: top + "/", mtime: fi.ModTime(), perm: fi.Mode().Perm(), dir: true}}}
	var walk func(d *os.File, rel, name string, up []os.FileInfo) error
	walk = func(d *os.File, rel, name string, up []os.FileInfo) error {
		entries, err := s.readFolder(root, rel, d)
		if err != nil {
			return err
		}
		for _, e := range entries {
			childRel := path.Join(rel, e.Name)
			childName := name + e.Name
			switch {
			case len(childName) >= uint16max:
				continue // longer than a zip name can be
			case e.Dir:
				sub, err := s.open(root, childRel)
				if err != nil {
					continue
				}
				id, err := sub.Stat()
				if err != nil || onTheWay(up, id) {
					sub.Close()
					continue
				}
				out = append(out, archiveEntry{from: root, rel: childRel, zipFile: zipFile{name: childName + "/", mtime: e.ModTime, perm: e.perm, dir: true}})
				walk(sub, childRel, childName+"/", append(up, id)) // an unreadable folder is left empty
				sub.Close()
			case e.regular:
				out = append(out, archiveEntry{from: root, rel: childRel, zipFile: zipFile{name: childName, size: e.Size, mtime: e.ModTime, perm: e.perm}})
			}
		}
		return nil
	}
	if err := walk(d, rel, top+"/", []os.FileInfo{fi}); err != nil {
		return nil, err
	}
	return out, nil
}

// shareEntries lists every item of a share of several, each under its
// name in the folder top.
func (s *Server) shareEntries(share *folder, top string) ([]archiveEntry, error) {
	out := []archiveEntry{{zipFile: zipFile{name: top + "/", mtime: time.Now(), perm: 0o755, dir: true}}}
	for _, it := range share.items {
		name := top + "/" + it.name
		if it.file == "" {
			sub, err := s.archiveEntries(it, ".", name)
			if err == nil {
				out = append(out, sub...)
			}
			continue
		}
		fi, err := s.statFile(it, it.file)
		if err == nil && fi.Mode().IsRegular() {
			out = append(out, archiveEntry{from: it, rel: it.file, zipFile: zipFile{name: name, size: fi.Size(), mtime: fi.ModTime(), perm: fi.Mode().Perm()}})
		}
	}
	return out, nil
}

// readFolder lists the open folder d with the listing's readDir.
func (s *Server) readFolder(root *folder, rel string, d *os.File) ([]entry, error) {
	var entries []entry
	var err error
	cerr := withDir(d, root, rel, s.cfg.FollowSymlinks, func(h dirHandle) { entries, _, err = s.readDir(root, rel, d, h, false) })
	return entries, errors.Join(cerr, err)
}

// onTheWay reports whether the folder dir is one of up, the folders being
// archived above it, however it was reached: os.SameFile compares device
// and inode on Unix, volume and file index on Windows.
func onTheWay(up []os.FileInfo, dir os.FileInfo) bool {
	for _, u := range up {
		if os.SameFile(u, dir) {
			return true
		}
	}
	return false
}

// attachment is a Content-Disposition that saves the body as name: an
// ASCII fallback, and the name itself in RFC 8187's encoding, for every
// browser (RFC 6266 §4.3).
func attachment(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "_"))
	ascii := strings.Map(func(r rune) rune {
		if r >= utf8.RuneSelf || r == '"' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + pathEscape(name)
}
