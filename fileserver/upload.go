package fileserver

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"shareit/transfer"
)

// Uploads, when they are on: POST a multipart form to a folder (the page's
// form, curl -F file=@x), or PUT a body to a new file's URL (curl -T x).
//
// Every upload streams into a hidden temporary file in the target folder,
// is synced, and is then hard-linked under its name, which fails if the
// name exists: nothing is ever overwritten, a partial upload is never
// visible under its name, and one that fails or is cut off leaves nothing
// behind. Files are created through os.Root, so no name, however spelled,
// writes outside the served folder.

// allow is the Allow header of a 405: the methods taken now.
func (s *Server) allow() string {
	if s.Uploads() {
		return "GET, HEAD, POST, PUT"
	}
	return "GET, HEAD"
}

// uploadError is why an upload was refused: a status and a sentence for
// people.
type uploadError struct {
	status int
	msg    string
}

func (e *uploadError) Error() string { return e.msg }

func refuse(status int, msg string) error { return &uploadError{status, msg} }

// errTooLarge ends a body past the upload limit.
var errTooLarge = errors.New("upload too large")

// readError is an error reading the request body, not the disk's.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// saved is one file an upload created.
type saved struct {
	name   string
	size   int64
	url    string // absolute, escaped
	result string // landedCreated, landedRenamed or landedAlready
	sum    string // hex SHA-256
}

func (s *Server) serveUpload(w *responseWriter, r *http.Request) {
	body := &uploadBody{
		r:     r.Body,
		ctx:   r.Context(),
		rc:    w.rc,
		max:   s.cfg.MaxUpload,
		stall: s.cfg.Stall,
		conn:  connOf(r), // to see the client hang up (connOf)
	}
	r.Body = body
	files, err := s.upload(r, body)
	if body.part != nil {
		if len(files) == 1 {
			body.part.SetSum(files[0].sum)
		}
		body.part.Done(err)
	}
	// A long upload may have outlived the write deadline set at its start.
	body.rc.SetWriteDeadline(time.Now().Add(s.cfg.Stall))
	if err != nil {
		s.uploadFailed(w, r, body, err)
		return
	}
	s.arrived(w.client, files)
	h := w.Header()
	status := http.StatusOK // every file was already there
	for _, f := range files {
		if f.result != landedAlready {
			status = http.StatusCreated
		}
	}
	if len(files) == 1 {
		h.Set("Upload-Result", files[0].result)
		h.Set("Upload-Sha256", files[0].sum)
	}
	switch {
	case r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/html"):
		// The page's form without its script: back to the folder, which
		// now lists the new files (Post/Redirect/Get).
		back := files[0].url[:strings.LastIndexByte(files[0].url, '/')+1]
		if back == "" { // landed in a folder that is not shared: back to the page
			back = r.URL.EscapedPath()
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	case wantsJSON(r):
		b := []byte{'['}
		for i, f := range files {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendJSONString(b, f.name)
			b = append(b, `,"size":`...)
			b = strconv.AppendInt(b, f.size, 10)
			b = append(b, `,"url":`...)
			b = appendJSONString(b, f.url)
			b = append(b, `,"result":`...)
			b = appendJSONString(b, f.result)
			b = append(b, `,"sha256":`...)
			b = appendJSONString(b, f.sum)
			b = append(b, '}')
		}
		writeBody(w, r, status, "application/json", append(b, "]\n"...), files[0].url)
	default:
		var b []byte
		for _, f := range files {
			b = append(b, f.url...)
			b = append(b, '\n')
		}
		h.Set("X-Content-Type-Options", "nosniff")
		writeBody(w, r, status, "text/plain; charset=utf-8", b, files[0].url)
	}
}

func writeBody(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte, location string) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Location", location)
	w.WriteHeader(status)
	w.Write(body)
}

// upload stores the files of r and returns them, in the order sent.
func (s *Server) upload(r *http.Request, body *uploadBody) ([]saved, error) {
	dirPath, name := r.URL.Path, ""
	if r.Method == http.MethodPut {
		i := strings.LastIndexByte(dirPath, '/')
		dirPath, name = dirPath[:i+1], dirPath[i+1:]
		if name == "" {
			return nil, refuse(http.StatusBadRequest, "PUT a file to its new URL: /folder/name.")
		}
		if clean, msg := s.uploadName(name); msg != "" || clean != name {
			return nil, refuse(http.StatusBadRequest, cmp.Or(msg, "That is not a name shareit accepts for a file."))
		}
	}
	rel, status := s.clean(dirPath)
	if status != 0 {
		return nil, refuse(status, "")
	}
	if limit := s.cfg.MaxUpload; limit > 0 && r.ContentLength > limit {
		return nil, errTooLarge
	}
	t, err := s.uploadTarget(rel, "")
	if err != nil {
		return nil, err
	}
	dir, base := t.dir, t.base
	defer dir.Close()
	begin := func(name string) {
		body.begin(s.tracker, transfer.Info{
			Kind:      transfer.Upload,
			Client:    clientIP(r.RemoteAddr),
			Port:      clientPort(r.RemoteAddr),
			Path:      strings.TrimSuffix(dirPath, "/") + "/" + name,
			UserAgent: r.UserAgent(),
			Size:      max(r.ContentLength, -1),
		})
	}

	if r.Method == http.MethodPut {
		// Refused before the body is sent (curl waits for 100 Continue),
		// unless the body may be the same file, "already there" (place);
		// the link still refuses a name taken meanwhile.
		if fi, err := dir.Lstat(name); err == nil && (!fi.Mode().IsRegular() || fi.Size() != r.ContentLength) {
			return nil, &os.LinkError{Op: "put", Old: name, New: name, Err: fs.ErrExist}
		}
		f, err := s.receive(dir, name, body, false, func() { begin(name) })
		if err != nil {
			return nil, err
		}
		s.dirs.drop(dirKey{t.root, t.rel}) // seen at once, whatever the OS's watcher
		f.url = base + pathEscape(f.name)
		return []saved{f}, nil
	}

	// The multipart reader asks for 4 KiB at a time: a larger buffer
	// under it makes far fewer reads of the connection.
	br := s.bufs.reader(body)
	defer s.bufs.putReader(br)
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, body}
	mr, err := r.MultipartReader() // reads body
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "Send files as a multipart form (curl -F file=@name), or PUT them (curl -T name).")
	}
	var files []saved
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var re readError
		if errors.As(err, &re) || errors.Is(err, errTooLarge) {
			return nil, err
		} else if err != nil {
			return nil, refuse(http.StatusBadRequest, "The form could not be read.")
		}
		if part.FileName() == "" {
			continue // a form field, or a file input left empty
		}
		name, msg := s.uploadName(part.FileName())
		if msg != "" {
			return nil, refuse(http.StatusBadRequest, msg)
		}
		started := func() {
			if body.part == nil {
				begin(name)
			}
		}
		f, err := s.receive(dir, name, part, true, started)
		if err != nil {
			return nil, err
		}
		s.dirs.drop(dirKey{t.root, t.rel})
		f.url = base + pathEscape(f.name)
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, refuse(http.StatusBadRequest, "The form holds no file: choose one first.")
	}
	// Read what follows the last part, so the transfer counts every byte.
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return nil, bodyError(err)
	}
	return files, nil
}

// landing is where an upload lands (uploadTarget).
type landing struct {
	dir  *os.Root // the folder it lands in, opened: the caller closes it
	name string   // the file's own name in dir
	base string   // dir's escaped URL; "" when it is not shared (--upload-to)
	root *folder  // the shared folder that holds it ...
	rel  string   // ... and its path there, for the listing cache
}

// uploadTarget is where an upload lands, the one place that decides it
// for the form, PUT and tus: the folder rel posted to, as uploadPlace puts
// it (the folder itself, or --upload-to) and, for a path with folders in
// it (uploadPath), its sub-folders, made as needed.
func (s *Server) uploadTarget(rel, path string) (landing, error) {
	root, in, base, err := s.uploadPlace(rel)
	if err != nil {
		return landing{}, err
	}
	dir, err := s.uploadRoot(root, in)
	if err != nil {
		return landing{}, err
	}
	t := landing{dir: dir, name: path, base: base, root: root, rel: in}
	folders := ""
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		folders, t.name = path[:i], path[i+1:]
	}
	if folders == "" {
		return t, nil
	}
	if err := dir.MkdirAll(folders, 0o755); err != nil {
		dir.Close()
		return landing{}, err
	}
	sub, err := dir.OpenRoot(folders)
	dir.Close()
	if err != nil {
		return landing{}, err
	}
	t.dir = sub
	if t.base != "" {
		for part := range strings.SplitSeq(folders, "/") {
			t.base += pathEscape(part) + "/"
		}
	}
	return t, nil
}

// uploadPath checks the name a resumable upload gives its file: a name,
// cleaned as uploadName does, or a relative path from a folder that was
// picked or dropped ("photos/2024/a.jpg"), whose every part must be a name
// uploadName accepts as it is. Anything that could climb out or hide is
// refused, not mended: "..", a leading "/" or drive, empty parts, control
// characters. It returns a reason for people when the path is refused.
func (s *Server) uploadPath(raw string) (path, msg string) {
	if !strings.ContainsAny(raw, `/\`) {
		return s.uploadName(raw)
	}
	if strings.ContainsRune(raw, '\\') {
		return "", "A folder path uses / between its names."
	}
	parts := strings.Split(raw, "/")
	if len(parts) > 64 {
		return "", "The folder path is too deep."
	}
	for _, part := range parts {
		name, msg := s.uploadName(part)
		switch {
		case part == "":
			return "", "A folder path must be relative, with a name between each /."
		case msg != "":
			return "", msg
		case name != part:
			return "", "A name in the folder path holds characters shareit does not accept."
		}
	}
	return raw, ""
}

// uploadRoot opens the folder rel to create files in, under the same rules
// as reading: through os.Root, or, with FollowSymlinks, through links
// that lead out of the root.
func (s *Server) uploadRoot(root *folder, rel string) (*os.Root, error) {
	d, err := s.open(root, rel) // the same resolution as reading it
	if err != nil {
		return nil, err
	}
	fi, err := d.Stat()
	d.Close()
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, errNotDir
	}
	if s.cfg.FollowSymlinks {
		return os.OpenRoot(filepath.Join(root.dir, filepath.FromSlash(rel)))
	}
	return root.root.OpenRoot(rel)
}

// uploadName cleans the name a client gave a file: no folders, control
// or bidirectional-override characters, nor spaces around it; a name that
// is hidden, or that Windows could not hold, is refused. It returns a
// reason for people when the name cannot be used.
func (s *Server) uploadName(raw string) (name, msg string) {
	name = raw
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:] // a path, as some browsers send
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, 0x80 <= r && r < 0xa0,
			r == '\u200e', r == '\u200f', r == '\u061c', '\u202a' <= r && r <= '\u202e', '\u2066' <= r && r <= '\u2069':
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", "The file has no name."
	case name == "." || name == "..":
		return "", "That is not a name for a file."
	case name[0] == '.' && !s.cfg.Hidden:
		return "", "Names starting with a dot (hidden files) are not accepted."
	case hiddenName(name) && !s.cfg.Hidden:
		return "", "Names Windows keeps for itself (desktop.ini, Thumbs.db…) are not accepted."
	case len(name) > 255:
		return "", "The name is too long."
	}
	// On every OS: the share may be copied to Windows (see windowsNameProblem).
	if msg := windowsNameProblem(name, runtime.GOOS); msg != "" {
		return "", msg
	}
	return name, ""
}

// receive streams r into a new file in dir (openTemp), hashing it, syncs
// it, and gives it its name by the rules of place. It calls started once
// the temporary file exists.
func (s *Server) receive(dir *os.Root, name string, r io.Reader, rename bool, started func()) (saved, error) {
	t, err := openTemp(dir)
	if err != nil {
		return saved{}, err
	}
	started()         // the transfer shows once there is somewhere to write it
	defer t.discard() // once linked, the file lives on under its name
	h := sha256.New()
	buf := s.bufs.get()
	defer s.bufs.put(buf)
	n, err := copyBody(t.File, 0, r, h, buf, bodyError)
	if err == nil {
		err = t.Sync() // a write the disk refused shows here at the latest
	}
	if err != nil {
		return saved{}, err
	}
	in := &incoming{size: n, sum: h.Sum(nil), link: t.link}
	final, result, err := s.place(dir, name, in, rename)
	if err != nil {
		return saved{}, err
	}
	return saved{name: final, size: n, result: result, sum: hexSum(in.sum)}, nil
}

// incoming is a complete, synced file about to get its name.
type incoming struct {
	size int64
	sum  []byte // SHA-256
	// link gives it the name final, failing with fs.ErrExist if taken.
	link func(final string) error
	// copy, if not nil, is the way when link fails otherwise (another file
	// system): it copies the file to a synced temporary file in the folder.
	copy func() (tmp string, err error)
}

// place names a received file in dir by the rules for name clashes, the
// same for the form, PUT and tus: a free name is taken (landedCreated); a
// taken one that holds the same bytes means the file is already there
// (landedAlready, nothing written); otherwise, when rename, the first free
// of "name (1).ext", "name (2).ext"… (landedRenamed), or fs.ErrExist.
func (s *Server) place(dir *os.Root, name string, in *incoming, rename bool) (final, result string, err error) {
	for i := 0; ; i++ {
		final = name
		if i > 0 {
			final = numbered(name, i)
		}
		err := in.link(final)
		if err != nil && !errors.Is(err, fs.ErrExist) && in.copy != nil {
			tmp, cerr := in.copy()
			if tmp != "" {
				defer dir.Remove(tmp)
			}
			if cerr != nil {
				return "", "", cerr
			}
			in.copy, in.link = nil, func(final string) error { return link(dir, tmp, final) }
			err = in.link(final)
		}
		switch {
		case err == nil && i == 0:
			return final, landedCreated, nil
		case err == nil:
			return final, landedRenamed, nil
		case !errors.Is(err, fs.ErrExist):
			return "", "", err
		case s.sameFile(dir, final, in.size, in.sum):
			return final, landedAlready, nil
		case !rename || i == 9999:
			return "", "", err
		}
	}
}

// writebackEvery is how often a received file's new bytes are sent on
// their way to the disk (startWriteback), a multiple of copyBody's buffer.
const writebackEvery = 8 << 20

// copyBody copies r to f, which is at off, in large writes (a multipart
// part reads a few KiB at a time), and to h unless nil, until r ends with
// io.EOF; any other error of r goes through readErr.
func copyBody(f *os.File, off int64, r io.Reader, h hash.Hash, buf []byte, readErr func(error) error) (int64, error) {
	var n int64
	for {
		m, err := 0, error(nil)
		for m < len(buf) && err == nil {
			var k int
			k, err = r.Read(buf[m:])
			m += k
		}
		if m > 0 {
			if _, werr := f.Write(buf[:m]); werr != nil {
				// A short write leaves bytes past n: a resumed upload truncates them.
				return n, werr
			}
			if h != nil {
				h.Write(buf[:m])
			}
			n += int64(m)
			if n%writebackEvery == 0 {
				startWriteback(f, off+n-writebackEvery, writebackEvery)
			}
		}
		switch {
		case err == io.EOF:
			return n, nil
		case err != nil:
			return n, readErr(err)
		}
	}
}

// The name of an upload's temporary file: tempPrefix, 16 hex digits,
// tempSuffix (uploadTemp).
const (
	tempPrefix = ".shareit-upload-"
	tempSuffix = ".part"
)

// createTemp creates a new hidden file in dir, readable by all (0644, less
// the umask), as uploaded files are.
func createTemp(dir *os.Root) (string, *os.File, error) {
	for {
		var b [8]byte
		rand.Read(b[:])
		name := tempPrefix + hex.EncodeToString(b[:]) + tempSuffix
		f, err := dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, f, err
	}
}

// link gives the file tmp the name final, failing with fs.ErrExist if
// final exists. File systems without hard links (FAT, exFAT) get a rename
// that refuses to replace (renameNoReplace) instead, where the OS has one.
func link(dir *os.Root, tmp, final string) error {
	err := dir.Link(tmp, final)
	if err == nil || !linkUnsupported(err) {
		return err
	}
	if rerr := renameNoReplace(dir, tmp, final); rerr != nil {
		if errors.Is(rerr, fs.ErrExist) {
			return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: rerr}
		}
		return err
	}
	return nil
}

// numbered is name with " (i)" before its extension: "a.txt" → "a (1).txt",
// "b.tar.gz" → "b (1).tar.gz", ".env" → ".env (1)".
func numbered(name string, i int) string {
	stem, ext := name, ""
	if dot := strings.LastIndexByte(name, '.'); dot > 0 {
		stem, ext = name[:dot], name[dot:]
		if strings.HasSuffix(stem, ".tar") && len(stem) > 4 {
			stem, ext = stem[:len(stem)-4], ".tar"+ext
		}
	}
	return stem + " (" + strconv.Itoa(i) + ")" + ext
}

// drainLimit is how much of a refused upload is read and dropped, so that
// a client still sending gets the answer instead of a reset connection.
const drainLimit = 8 << 20

// uploadFailed answers an upload that did not land with a status and a
// sentence that says why, never the error's own text.
func (s *Server) uploadFailed(w *responseWriter, r *http.Request, body *uploadBody, err error) {
	status, msg := uploadStatus(err)
	if limit := s.cfg.MaxUpload; status == http.StatusRequestEntityTooLarge && limit > 0 {
		msg = "The upload is larger than this server accepts (" + string(appendSize(nil, limit)) + ")."
	}
	var re readError
	switch {
	case errors.As(err, &re), errors.Is(err, errTooLarge):
		// Cut off, or too big to take in: nothing more is read.
		w.Header().Set("Connection", "close")
	case body.n == 0 && r.Header.Get("Expect") == "100-continue":
		// The client waits for a go-ahead that is not coming: it sends nothing.
	default:
		if _, err := io.CopyN(io.Discard, body.r, drainLimit); err != io.EOF {
			w.Header().Set("Connection", "close")
		}
	}
	s.errorMessage(w, r, status, msg)
}

func uploadStatus(err error) (int, string) {
	var ue *uploadError
	var re readError
	switch {
	case errors.As(err, &ue):
		return ue.status, ue.msg
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, "The upload is larger than this server accepts."
	case errors.Is(err, transfer.ErrCancelled):
		return http.StatusServiceUnavailable, "The upload was cancelled on the server."
	case errors.As(err, &re) && errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusRequestTimeout, "The upload stopped arriving."
	case errors.As(err, &re):
		return http.StatusBadRequest, "The upload was cut off."
	case errors.Is(err, fs.ErrExist):
		return http.StatusConflict, "A file of that name exists already; shareit never replaces one."
	}
	switch faultOf(err) {
	case faultNoSpace:
		return http.StatusInsufficientStorage, "There is not enough space left on the disk."
	case faultTooLarge:
		return http.StatusInsufficientStorage, "The file is too large for the disk it would be stored on."
	case faultReadOnly:
		return http.StatusForbidden, "This folder is on a read-only disk."
	case faultAccess:
		return http.StatusForbidden, "shareit may not create files in this folder."
	case faultNameTooLong:
		return http.StatusBadRequest, "The name is too long."
	case faultBadName:
		return http.StatusBadRequest, "The disk does not accept that name."
	}
	if errors.Is(err, fs.ErrPermission) {
		return http.StatusForbidden, "shareit may not create files in this folder."
	}
	return statusOf(err), ""
}

// bodyError marks an error that came from reading the request.
func bodyError(err error) error {
	var re readError
	if errors.Is(err, errTooLarge) || errors.As(err, &re) {
		return err
	}
	return readError{err}
}

// uploadBody is an upload's request body. It counts the bytes into the
// transfer, waits between reads while transfers are paused, stops past
// the upload limit, and keeps a client that stops sending from holding
// the request forever.
type uploadBody struct {
	r       io.ReadCloser
	ctx     context.Context
	rc      *http.ResponseController
	part    *transfer.Part // nil until the upload is named
	n       int64
	max     int64 // 0: no limit
	stall   time.Duration
	renewed time.Time
	conn    net.Conn // to see a client hang up while paused; nil if unknown
}

// begin makes the body a transfer, with the bytes read so far.
func (b *uploadBody) begin(t *transfer.Tracker, info transfer.Info) {
	rc := b.rc
	b.part = t.Begin(info, func() { rc.SetReadDeadline(time.Now()) })
	b.part.Add(b.n)
}

func (b *uploadBody) Read(p []byte) (int, error) {
	if b.part != nil {
		if err := b.wait(); err != nil { // paused, cancelled or hung up (uploadBody.wait)
			return 0, readError{err}
		}
	}
	if now := time.Now(); now.Sub(b.renewed) >= time.Second {
		b.rc.SetReadDeadline(now.Add(b.stall))
		b.renewed = now
	}
	if b.max > 0 && b.n > b.max {
		return 0, errTooLarge
	}
	if b.max > 0 && int64(len(p)) > b.max-b.n+1 {
		p = p[:b.max-b.n+1] // one byte past the limit is enough to know
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.part != nil {
		b.part.Add(int64(n))
		if err != nil && b.part.Cancelled() {
			err = transfer.ErrCancelled // not the deadline that cut the read short
		}
	}
	switch {
	case b.max > 0 && b.n > b.max:
		return n, errTooLarge
	case err != nil && err != io.EOF:
		return n, readError{err}
	}
	return n, err
}

func (b *uploadBody) Close() error { return b.r.Close() }
