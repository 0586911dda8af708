// Package fileserver serves a folder (or one file, several paths side by
// side, or a text) over HTTP, safely and fast: every file is opened
// through os.Root, bodies leave through sendfile in chunks that the
// transfer tracker counts, pauses and cancels, and hostile clients
// are cut off by timeouts, size caps and a request-framing check. It is
// written against net/http alone and runs on every platform; the Linux-only
// speed-ups sit behind package accel's Listener and ConnState, and answer
// small cached files through Server.quick.
package fileserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"shareit/transfer"
)

// Defaults for Config fields left zero.
const (
	DefaultStall = 60 * time.Second // a client that accepts no bytes this long is dropped
	DefaultGrace = 5 * time.Second  // how long running transfers may finish at shutdown
	// minTracked is the smallest body tracked as a transfer: anything smaller
	// fits in the socket buffers and is gone before anyone could watch it.
	minTracked = 64 << 10
)

// Config is how a Server serves.
type Config struct {
	Root string // the folder to serve
	// Paths, when set, are what to serve instead of Root: one file, or
	// several files and folders side by side.
	Paths          []string
	UploadTo       string // the folder uploads land in; "" = the folder posted to
	Text           string // a text to share instead of any path
	Bind           string // address to listen on; "" means every interface
	Port           int    // 0 means any free port
	Hidden         bool   // list and serve dotfiles
	FollowSymlinks bool   // follow symlinks that point outside Root
	Version        string // shown in pages
	Upload         bool   // accept uploads (POST, PUT); SetUploads changes it live
	MaxUpload      int64  // the largest upload request body in bytes; 0 means no limit
	Stall          time.Duration
	Grace          time.Duration
	// Access and reach: a password, HTTPS, a bandwidth cap.
	Auth     *Credentials // nil: no password asked
	TLS      bool         // HTTPS with a certificate made at start
	CertFile string       // HTTPS with this certificate (PEM) ...
	KeyFile  string       // ... and its key
	Rate     int64        // per-client cap in bytes per second; 0 = none
	// Who gets in: a secret token in every URL (--secret); each new
	// device waits until the person at the terminal allows it (--ask).
	Secret  bool
	Ask     bool
	AskWait time.Duration // how long a device waits for an answer; 0 means DefaultAskWait
	// Drop makes a drop box: uploads only, nothing listed or served.
	Drop bool
	// Staging is where resumable uploads wait until complete; "" lets
	// shareit choose (staging). CleanUploads removes those not complete
	// when Run returns, instead of keeping them a day for a restart.
	Staging      string
	CleanUploads bool
}

// Server is the HTTP side of shareit: a handler for one folder, and the
// listener and http.Server that run it.
type Server struct {
	cfg     Config
	tracker *transfer.Tracker
	root    atomic.Pointer[folder]
	// changing serialises changes to what is shared (Add, Remove), which
	// build the next share from the current one.
	changing sync.Mutex
	uploadTo *folder // --upload-to, opened; nil without it
	net      netState
	dirs     *dirCache
	builds   singleflight.Group // listings being built, by folder
	files    *fileCache
	web      web // pages and uploads
	access   access
	control  control                // per-client block and cap
	secret   atomic.Pointer[secret] // --secret's token; nil without
	ask      asks                   // --ask: who waits, who was let in
	links    links                  // limited links
	local    atomic.Pointer[string] // HOST.local announced by mDNS
	seen     seen                   // how connections reached the share
	// handlers counts running requests: Run returns only after the last
	// one has logged, even when the grace period ran out.
	handlers sync.WaitGroup
	rests    quickRests // the quick lane's answers waiting for room
	refusals refusals   // requests refused before a handler, per client
	tus      tusState   // resumable uploads
	sums     sumCache   // files' SHA-256, by version
	bufs     uploadBufs // uploads' copy buffers, reused
	stages   sync.Map   // resumable uploads' staging, by the folder they land in (staging)
}

// folder is the served folder, opened; or one item of a share of several,
// or the share itself (its items).
type folder struct {
	dir  string   // absolute path (for a file: of its folder)
	root *os.Root // nil for the top of several items
	file string   // a file shared alone or as an item: its name in dir, the only one reachable
	text string   // a text shared alone
	name string   // its name at the top of a share of several; "" otherwise
	// items are the paths of a share of several, in order, names unique.
	items []*folder
	// uploadTo is where uploads land; nil means the folder posted to,
	// which only a folder alone has.
	uploadTo *folder
}

// New checks and opens cfg.Root. It does not listen yet.
func New(cfg Config, tracker *transfer.Tracker) (*Server, error) {
	if cfg.Stall <= 0 {
		cfg.Stall = DefaultStall
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	s := &Server{cfg: cfg, tracker: tracker, dirs: newDirCache(), files: newFileCache()}
	s.web.uploads.Store(cfg.Upload || cfg.Drop)
	paths := cfg.Paths
	if len(paths) == 0 {
		paths = []string{cfg.Root}
	}
	if cfg.Text != "" {
		paths = nil // the text is shared alone
	}
	top, err := openShare(paths, cfg.UploadTo, cfg.Hidden)
	if err != nil {
		return nil, err
	}
	top.text = cfg.Text
	s.uploadTo = top.uploadTo
	s.root.Store(top)
	if err := s.initAccess(); err != nil {
		return nil, err
	}
	s.net.init(s)
	return s, nil
}

// Root is the folder being served; for a file alone, the file; for
// several paths, their folders' common description.
func (s *Server) Root() string {
	top := s.root.Load()
	if top.text != "" {
		return "a text of " + string(appendSize(nil, int64(len(top.text))))
	}
	if top.items == nil {
		return top.path()
	}
	paths := make([]string, len(top.items))
	for i, it := range top.items {
		paths[i] = it.path()
	}
	return strings.Join(paths, ", ")
}

// SetRoot switches the served folder. On error the old one is still served.
// Transfers already running finish from the old folder: they hold its files.
func (s *Server) SetRoot(dir string) error {
	s.changing.Lock()
	defer s.changing.Unlock()
	f, err := openFolder(dir)
	if err != nil {
		return err
	}
	f.uploadTo = s.uploadTo
	if old := s.root.Swap(f); old != nil {
		// The old os.Root is not closed here: requests that loaded it just
		// before the swap would fail with 500. Its finalizer closes it
		// once no request holds it.
		s.dirs.clear()
	}
	return nil
}

// openFolder opens dir and checks that it is a folder that can be listed.
// Its errors are one line for people: "/x: no such folder".
func openFolder(dir string) (*folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s: no such folder", abs)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("%s: permission denied", abs)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", abs, errors.Unwrap(err))
	case !fi.IsDir():
		return nil, fmt.Errorf("%s: not a folder", abs)
	}
	root, err := os.OpenRoot(abs)
	if errors.Is(err, os.ErrPermission) {
		return nil, fmt.Errorf("%s: permission denied", abs)
	} else if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", abs, errors.Unwrap(err))
	}
	d, err := root.Open(".")
	if err == nil {
		_, err = d.ReadDir(1)
		d.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		root.Close()
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%s: permission denied", abs)
		}
		return nil, fmt.Errorf("%s: cannot list: %w", abs, errors.Unwrap(err))
	}
	return &folder{dir: abs, root: root}, nil
}

// ServeHTTP answers GET and HEAD for files and folders under the root.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	start := time.Now()
	w := newResponseWriter(rw, r, s, start)
	defer s.handled(w)

	if c, ok := connOf(r).(*watchedConn); ok {
		c.handling() // not refused: this line logs it
	}
	if local := s.local.Load(); local != nil {
		s.seen.request(r.Host, *local) // was the HOST.local URL used?
	}
	r, ok := s.admit(w, r) // password, rate cap
	if !ok {
		return
	}
	if isTus(r) {
		s.serveTus(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if r.Method == http.MethodPost && r.URL.RawQuery == "text" && s.Uploads() {
			s.receiveText(w, r)
			return
		}
		if (r.Method == http.MethodPost || r.Method == http.MethodPut) && s.Uploads() {
			s.serveUpload(w, r)
			return
		}
		w.Header().Set("Allow", s.allow())
		s.error(w, r, http.StatusMethodNotAllowed)
		return
	}
	rel, status := s.clean(r.URL.Path)
	if status != 0 {
		s.error(w, r, status)
		return
	}
	top := s.root.Load()
	if w.folder != nil {
		top = w.folder // a limited link's, made before a change of what is shared
	}
	root, rel, status := top.locate(rel)
	if status != 0 {
		s.error(w, r, status)
		return
	}
	if rel == "." && root.virtual() {
		s.serveTop(w, r, root)
		return
	}
	if r.URL.RawQuery != "qr" && s.serveCached(w, r, root, rel) {
		return
	}
	f, err := s.open(root, rel)
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	defer w.release(f)
	fi, err := f.Stat()
	if err != nil {
		s.error(w, r, statusOf(err))
		return
	}
	trailing := strings.HasSuffix(r.URL.Path, "/")
	switch {
	case fi.IsDir() && !trailing:
		redirect(w, r, r.URL.EscapedPath()+"/")
	case fi.IsDir() && archiveFormat(r) != nil:
		s.serveArchive(w, r, root, rel, archiveFormat(r))
	case fi.IsDir():
		s.serveDir(w, r, root, rel, f, fi)
	case !fi.Mode().IsRegular():
		s.error(w, r, http.StatusForbidden) // devices, fifos, sockets
	case trailing:
		redirect(w, r, strings.TrimSuffix(r.URL.EscapedPath(), "/"))
	case r.URL.RawQuery == "qr":
		s.serveLinkPage(w, r, path.Base(r.URL.Path), r.URL.EscapedPath(), fi)
	case r.URL.RawQuery == "hash=sha256":
		s.serveSum(w, r, f, fi)
	default:
		s.serveFile(w, r, f, nil, fi)
	}
}

// serveCached answers from the small-file cache without opening the file:
// a stat through the root, which follows the same rules as an open, finds
// its key. Four syscalls fewer per small file (open, the poller's try,
// fstat, close). False when it did not answer.
func (s *Server) serveCached(w *responseWriter, r *http.Request, root *folder, rel string) bool {
	if strings.HasSuffix(r.URL.Path, "/") || r.URL.RawQuery == "hash=sha256" {
		return false
	}
	fi, err := s.statFile(root, rel)
	if err != nil {
		return false
	}
	cf := s.files.cached(fi)
	if cf == nil {
		return false
	}
	s.serveFile(w, r, nil, cf, fi)
	return true
}

// serveFile sends one file: f, or cf, its cached body when small (then f
// may be nil). http.ServeContent handles Range, If-Range, If-None-Match,
// If-Modified-Since and Content-Type; it gets the real *os.File, so the
// body goes out through sendfile via w.ReadFrom.
func (s *Server) serveFile(w *responseWriter, r *http.Request, f *os.File, cf *cachedFile, fi os.FileInfo) {
	if r.Method == http.MethodGet && fi.Size() < minTracked && s.tracker.Paused() {
		// Large bodies wait in the tracked copy loop, shown as paused.
		if err := s.tracker.WaitResumed(r.Context()); err != nil {
			return
		}
		// The wait may have outlasted the deadline newResponseWriter set.
		w.rc.SetWriteDeadline(time.Now().Add(s.cfg.Stall))
	}
	w.file = fi.Size() // whether it was taken whole (placement)
	w.mtime = fi.ModTime()
	h := w.Header()
	h["Accept-Ranges"] = acceptRanges // on 304 and 416 too
	if cf == nil {
		cf = s.files.load(f, fi)
	}
	if cf == nil {
		h.Set("ETag", etag(fi))
		// Suffix ranges of zero bytes would get an impossible 206.
		dropEmptySuffixes(r, fi.Size())
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
		return
	}
	h["Etag"] = cf.etag
	if !plain(r) {
		dropEmptySuffixes(r, fi.Size())
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), bytes.NewReader(cf.body))
		return
	}
	// What ServeContent would answer, with the header values made once.
	h["Content-Type"] = []string{cf.contentType(fi.Name())}
	h["Last-Modified"] = cf.lastMod
	h["Content-Length"] = cf.length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(cf.body)
	}
}

var acceptRanges = []string{"bytes"}

// plain reports whether r asks for the whole body, with no Range and no
// precondition: ServeContent would answer 200 with the body.
func plain(r *http.Request) bool {
	h := r.Header
	return h["Range"] == nil && h["If-Match"] == nil && h["If-None-Match"] == nil &&
		h["If-Modified-Since"] == nil && h["If-Unmodified-Since"] == nil
}

// etag is a strong validator from the size and modification time, as nginx
// makes it.
func etag(fi os.FileInfo) string {
	b := make([]byte, 0, 32)
	b = append(b, '"')
	b = strconv.AppendInt(b, fi.ModTime().UnixNano(), 16)
	b = append(b, '-')
	b = strconv.AppendInt(b, fi.Size(), 16)
	b = append(b, '"')
	return string(b)
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	// A path starting with "//" would be read as a host by the browser.
	if strings.HasPrefix(to, "//") {
		to = "/" + strings.TrimLeft(to, "/")
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

// handled logs the request when its handler returns.
func (s *Server) handled(w *responseWriter) { s.logRequest(w) }

// release closes the file served.
func (w *responseWriter) release(f *os.File) { f.Close() }

// logRequest publishes the request's log line once the response is done.
func (s *Server) logRequest(w *responseWriter) {
	r := w.request()
	w.done()
	s.tracker.Log(transfer.LogLine{
		Time:      w.start,
		Client:    w.client,
		User:      w.user,
		Method:    r.method,
		URI:       r.uri,
		Proto:     r.proto,
		Status:    w.statusCode(),
		Bytes:     w.bytes,
		Referer:   r.referer,
		UserAgent: r.userAgent,
		Duration:  time.Since(w.start),
		Transfer:  w.transferID(),
		File:      w.file,
	})
}

// request is what a log line shows of a request.
type request struct{ method, uri, proto, referer, userAgent string }

func requestOf(r *http.Request) request {
	return request{r.Method, logURI(r.RequestURI), r.Proto, redact(r.Referer()), r.UserAgent()}
}

// request is the request the response answers.
func (w *responseWriter) request() request { return requestOf(w.r) }

// clientPort is the port of a RemoteAddr, 0 when it has none.
func clientPort(remote string) int {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return 0
	}
	return int(ap.Port())
}

// clientIP is the address part of a RemoteAddr, with IPv4-mapped IPv6
// addresses shown as IPv4.
func clientIP(remote string) string {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return remote
	}
	return ap.Addr().Unmap().String()
}
