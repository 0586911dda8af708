package fileserver

import (
	"context"
	"errors"
	"golang.org/x/exp/slog" // tusd's logger type
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"

	"shareit/transfer"
)

// Resumable uploads speak tus 1.0.0 (https://tus.io/protocols/resumable-upload):
// core, creation, creation-with-upload and termination, served by tusd's
// unrouted handler. A POST that carries Tus-Resumable to any folder's URL
// creates an upload into that folder; its HEAD, PATCH and DELETE go to
// tusPrefix+ID. Nothing of tusd is reachable otherwise: no GET of partial
// uploads, no cross-origin access, no concatenation nor deferred length
// (the size is known, so --max-upload refuses before a byte flows).

// tusPrefix is where uploads live while they arrive. Its leading dot keeps
// it from hiding a served name: without --hidden no dotfile is served, and
// with it a folder of this name would be odd indeed.
const tusPrefix = "/.shareit-tus/"

// Upload metadata keys shareit sets itself when an upload is created,
// over whatever the client sent.
const (
	metaFolder = "shareit-folder" // the target folder, relative to the root
	metaName   = "shareit-name"   // the checked file name or relative path
	metaWhole  = "shareit-whole"  // the creation request carries every byte
)

// Results of a landing, told to the client in the Upload-Result header.
const (
	landedCreated = "created"
	landedRenamed = "renamed"
	landedAlready = "already there"
)

// tusIdle is how long an upload's row stays in the transfers after its
// last PATCH broke off, waiting for the sender to resume.
const tusIdle = 2 * time.Minute

// tusState is the tus side of a Server: tusd's handler, made at the first
// tus request, and the uploads that have a row in the transfers.
type tusState struct {
	once sync.Once
	h    *handler.UnroutedHandler
	err  error

	mu   sync.Mutex
	live map[string]*tusLive
	done map[string]*tusUpload // complete, about to land (tusKeep)
}

// tusLive is an upload's row in the transfers: one for all its PATCH
// requests, as a download's Range parts are one.
type tusLive struct {
	part *transfer.Part
	rc   *http.ResponseController // of the PATCH now running; nil between
	idle *time.Timer
}

type tusCtxKey struct{}

// tusReq is what shareit passes to tusd's callbacks and store through the
// request's context.
type tusReq struct {
	w      *responseWriter
	folder string // POST: the folder of the URL, relative to the root
}

func (s *Server) tusHandler() (*handler.UnroutedHandler, error) {
	t := &s.tus
	t.once.Do(func() {
		composer := handler.NewStoreComposer()
		st := &tusStore{s: s}
		composer.UseCore(st)
		composer.UseTerminater(st)
		composer.UseLocker(&tusLocker{s: s, held: make(map[string]chan struct{})})
		t.live = make(map[string]*tusLive)
		t.h, t.err = handler.NewUnroutedHandler(handler.Config{
			StoreComposer:        composer,
			BasePath:             tusPrefix,
			MaxSize:              s.cfg.MaxUpload,
			DisableDownload:      true,
			DisableConcatenation: true,
			Cors:                 &handler.CorsConfig{Disable: true},
			Logger:               slog.New(&noticeHandler{t: s.tracker, level: slog.LevelWarn}),
			NetworkTimeout:       s.cfg.Stall,
			// The store needs no time after a request ends (it ignores its
			// context), and tusd waits this long with a goroutine per request.
			GracefulRequestCompletionTimeout: time.Millisecond,
			PreUploadCreateCallback:          s.tusCreate,
			PreFinishResponseCallback:        s.tusFinish,
			PreUploadTerminateCallback: func(hook handler.HookEvent) (handler.HTTPResponse, error) {
				s.tusEnd(hook.Upload.ID, errors.New("cancelled by the sender"))
				return handler.HTTPResponse{}, nil
			},
		})
	})
	return t.h, t.err
}

// isTus reports whether r is for the tus handler.
func isTus(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, tusPrefix) ||
		r.Method == http.MethodPost && r.Header.Get("Tus-Resumable") != ""
}

// serveTus routes a tus request to tusd, once the folder or upload ID is
// checked.
func (s *Server) serveTus(w *responseWriter, r *http.Request) {
	if serveStatic(w, r) {
		return
	}
	if !s.Uploads() {
		tusRefuse(w, http.StatusForbidden, "Uploads are off on this server (shareit -u turns them on).")
		return
	}
	if !sameOrigin(r) {
		tusRefuse(w, http.StatusForbidden, "Uploads from another site are not accepted.")
		return
	}
	h, err := s.tusHandler()
	if err != nil {
		tusRefuse(w, http.StatusInternalServerError, "Resumable uploads are not available.")
		return
	}
	r.Header.Del("X-HTTP-Method-Override") // the method routed here is the one tusd sees
	req := &tusReq{w: w}
	var serve http.HandlerFunc
	if id, ok := strings.CutPrefix(r.URL.Path, tusPrefix); ok {
		if !validTusID(id) {
			tusRefuse(w, http.StatusNotFound, "No such upload.")
			return
		}
		switch r.Method {
		case http.MethodHead:
			serve = h.HeadFile
			s.tusLandedHeaders(w.Header(), id)
		case http.MethodPatch:
			serve = h.PatchFile
		case http.MethodDelete:
			serve = h.DelFile
		default: // GET too: a partial upload is never downloaded
			w.Header().Set("Allow", "HEAD, PATCH, DELETE")
			tusRefuse(w, http.StatusMethodNotAllowed, "Resumable uploads take HEAD, PATCH and DELETE here.")
			return
		}
		u := *r.URL
		u.Path, u.RawPath = id, "" // tusd takes the whole path for the ID
		r = r.WithContext(r.Context())
		r.URL = &u
	} else {
		rel, status := s.clean(r.URL.Path)
		if status != 0 {
			tusRefuse(w, status, "There is no such folder.")
			return
		}
		req.folder = rel
		serve = h.PostFile
	}
	r = r.WithContext(context.WithValue(r.Context(), tusCtxKey{}, req))
	h.Middleware(serve).ServeHTTP(w, r)
}

// sameOrigin refuses what a page of another site sends: browsers add
// Origin to such requests, and tusd's CORS is off.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// tusRefuse answers with a sentence in plain text, which tus clients show.
func tusRefuse(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Tus-Resumable", "1.0.0")
	h.Set("Content-Length", strconv.Itoa(len(msg)+1))
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

// tusError is an answer for tusd to send: a status and a sentence.
func tusError(status int, msg string) handler.Error {
	return handler.Error{
		ErrorCode: "ERR_SHAREIT",
		Message:   msg,
		HTTPResponse: handler.HTTPResponse{
			StatusCode: status,
			Body:       msg + "\n",
			Header:     handler.HTTPHeader{"Content-Type": "text/plain; charset=utf-8"},
		},
	}
}

// tusErrorOf maps an error of the disk or of shareit to tusd's answer.
func tusErrorOf(err error) error {
	var he handler.Error
	if errors.As(err, &he) {
		return err
	}
	status, msg := uploadStatus(err)
	if msg == "" {
		msg = http.StatusText(status)
	}
	return tusError(status, msg)
}

func tusReqOf(ctx context.Context) *tusReq {
	req, _ := ctx.Value(tusCtxKey{}).(*tusReq)
	return req
}

// tusCreate checks a new upload before anything is stored: the folder,
// the name, the size. The checked folder and name go into the metadata.
func (s *Server) tusCreate(hook handler.HookEvent) (handler.HTTPResponse, handler.FileInfoChanges, error) {
	req := tusReqOf(hook.Context)
	var none handler.FileInfoChanges
	if req == nil {
		return handler.HTTPResponse{}, none, tusError(http.StatusNotFound, "No such folder.")
	}
	meta := hook.Upload.MetaData
	// A file's own name is cleaned as the form's is; a folder's relative
	// path is checked strictly (uploadPath).
	name, msg := s.uploadName(cmpOr(meta["filename"], meta["name"]))
	if rel := meta["relativePath"]; rel != "" {
		name, msg = s.uploadPath(rel)
	}
	if msg != "" {
		return handler.HTTPResponse{}, none, tusError(http.StatusBadRequest, msg)
	}
	if limit := s.cfg.MaxUpload; limit > 0 && hook.Upload.Size > limit {
		return handler.HTTPResponse{}, none, tusError(http.StatusRequestEntityTooLarge,
			"The file is larger than this server accepts ("+string(appendSize(nil, limit))+").")
	}
	dir, err := s.uploadRoot(s.root.Load(), req.folder)
	if err != nil {
		return handler.HTTPResponse{}, none, tusErrorOf(err)
	}
	dir.Close()
	changed := make(handler.MetaData, len(meta)+2)
	for k, v := range meta {
		changed[k] = v
	}
	changed[metaFolder], changed[metaName] = req.folder, name
	if h := hook.HTTPRequest.Header; h.Get("Content-Type") == "application/offset+octet-stream" &&
		h.Get("Content-Length") == strconv.FormatInt(hook.Upload.Size, 10) {
		changed[metaWhole] = "1"
	}
	return handler.HTTPResponse{}, handler.FileInfoChanges{MetaData: changed}, nil
}

// tusFinish lands a complete upload under its name, before tusd answers
// the request that brought its last byte. The answer says how it landed:
// Upload-Result, the file's URL in Content-Location and its digest in
// Upload-Sha256.
func (s *Server) tusFinish(hook handler.HookEvent) (handler.HTTPResponse, error) {
	id := hook.Upload.ID
	u := s.tusKept(id)
	if u == nil { // an empty upload, complete at its creation
		up, err := (&tusStore{s: s}).GetUpload(hook.Context, id)
		if err != nil {
			return handler.HTTPResponse{}, tusErrorOf(err)
		}
		u = up.(*tusUpload)
	}
	if u.rec.Landed == "" {
		if err := s.tusLand(u); err != nil {
			// It cannot land: nothing stays behind, and the sender hears why.
			s.tusEnd(id, err)
			u.Terminate(hook.Context)
			return handler.HTTPResponse{}, tusErrorOf(err)
		}
	}
	s.tus.mu.Lock()
	if live := s.tus.live[id]; live != nil {
		live.part.SetSum(u.rec.Sum)
	}
	s.tus.mu.Unlock()
	s.tusEnd(id, nil)
	return handler.HTTPResponse{Header: handler.HTTPHeader{
		"Upload-Result":    u.rec.Result,
		"Content-Location": u.rec.Landed,
		"Upload-Sha256":    u.rec.Sum,
	}}, nil
}

// tusKeep holds an upload whose last byte came, for tusFinish to land: its
// record on disk is one chunk behind (WriteChunk).
func (s *Server) tusKeep(u *tusUpload) {
	t := &s.tus
	t.mu.Lock()
	if t.done == nil {
		t.done = make(map[string]*tusUpload)
	}
	t.done[u.rec.Info.ID] = u
	t.mu.Unlock()
}

// tusKept takes the upload tusKeep held, or nil.
func (s *Server) tusKept(id string) *tusUpload {
	t := &s.tus
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.done[id]
	delete(t.done, id)
	return u
}

// tusLandedHeaders tells a HEAD of a landed upload how it landed, as the
// answer to its last PATCH did: the client may have lost that one.
func (s *Server) tusLandedHeaders(h http.Header, id string) {
	up, err := (&tusStore{s: s}).GetUpload(context.Background(), id)
	if err != nil {
		return
	}
	if rec := up.(*tusUpload).rec; rec.Landed != "" {
		h.Set("Upload-Result", rec.Result)
		h.Set("Content-Location", rec.Landed)
		h.Set("Upload-Sha256", rec.Sum)
	}
}

// tusLand gives a complete upload its name in its folder (placeFile), and
// records how, so a HEAD still answers that it is complete.
func (s *Server) tusLand(u *tusUpload) error {
	if !s.Uploads() {
		return tusError(http.StatusForbidden, "Uploads were turned off on the server before this one could land.")
	}
	sum, err := hashFromState(u.rec.State)
	if err != nil {
		return err
	}
	root := s.root.Load()
	dir, name, base, err := s.uploadTarget(root, u.rec.Folder, u.rec.Name)
	if err != nil {
		return err
	}
	defer dir.Close()
	id := u.rec.Info.ID
	f := &incoming{size: u.rec.Info.Size, sum: sum}
	f.link = func(final string) error { return linkAcross(u.root, id+".part", dir, final) }
	f.copy = func() (string, error) {
		// Another file system (a mount inside the share): copy the bytes.
		src, err := u.root.Open(id + ".part")
		if err != nil {
			return "", err
		}
		defer src.Close()
		tmp, out, err := createTemp(dir)
		if err != nil {
			return "", err
		}
		buf := s.bufs.get()
		defer s.bufs.put(buf)
		_, err = copyBody(out, src, nil, buf)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return tmp, err
	}
	final, result, err := s.place(dir, name, f, true)
	if err != nil {
		return err
	}
	s.dirs.drop(dirKey{root, u.rec.Folder}) // and its sub-folders, by the watcher
	u.rec.Landed = base + pathEscape(final)
	u.rec.Result, u.rec.Sum = result, hexSum(sum)
	u.root.Remove(id + ".part")
	if u.unsaved {
		// Landed in the request that created it: a client that lost this
		// answer never learnt the upload's URL, so no record could help it.
		return nil
	}
	return u.save()
}

// tusBody wraps the body of a PATCH: it counts the bytes into the
// upload's row, waits while transfers are paused, and stops when the row
// is cancelled or uploads are turned off.
func (s *Server) tusBody(ctx context.Context, u *tusUpload, src io.Reader) io.Reader {
	req := tusReqOf(ctx)
	if req == nil {
		return src
	}
	id := u.rec.Info.ID
	t := &s.tus
	t.mu.Lock()
	live := t.live[id]
	if live == nil {
		info := u.rec.Info
		live = &tusLive{}
		live.part = s.tracker.Begin(transfer.Info{
			Kind:      transfer.Upload,
			Client:    req.w.client,
			Path:      strings.TrimSuffix("/"+u.rec.Folder, "/.") + "/" + u.rec.Name,
			UserAgent: req.w.r.UserAgent(),
			Size:      info.Size - info.Offset,
			Partial:   true,
			Offset:    info.Offset,
			Whole:     info.Size,
		}, func() {
			t.mu.Lock()
			rc := live.rc
			t.mu.Unlock()
			if rc != nil {
				rc.SetReadDeadline(time.Now()) // the PATCH ends with 410 (tusChunked)
				return
			}
			// Between PATCH requests: the upload goes now.
			u.Terminate(context.Background())
			go s.tusEnd(id, transfer.ErrCancelled)
		})
		t.live[id] = live
	}
	if live.idle != nil {
		live.idle.Stop()
		live.idle = nil
	}
	live.rc = req.w.rc
	t.mu.Unlock()
	return &tusReader{s: s, ctx: ctx, r: src, live: live}
}

// tusReader is a PATCH body, as tusBody says.
type tusReader struct {
	s    *Server
	ctx  context.Context
	r    io.Reader
	live *tusLive
	err  error
}

func (b *tusReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if !b.s.Uploads() {
		b.err = tusError(http.StatusForbidden, "Uploads were turned off on the server.")
		return 0, b.err
	}
	if err := b.live.part.Wait(b.ctx); err != nil {
		b.err = b.cancelled()
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.live.part.Add(int64(n))
	if b.live.part.Cancelled() {
		b.err = b.cancelled()
		return n, b.err
	}
	return n, err
}

// cancelled is the error a row cancelled on the server ends its PATCH
// with: 410, which tus clients do not retry.
func (b *tusReader) cancelled() error {
	if b.live.part.Cancelled() {
		return tusError(http.StatusGone, "The upload was cancelled on the server.")
	}
	return tusError(http.StatusServiceUnavailable, "The upload was interrupted.")
}

// tusChunked follows a PATCH that ended, with err: a row cancelled on the
// server ends and its upload goes; an upload not yet complete waits for
// the sender's next PATCH, tusIdle at most.
func (s *Server) tusChunked(u *tusUpload, err error) {
	id := u.rec.Info.ID
	var he handler.Error
	if errors.As(err, &he) && he.HTTPResponse.StatusCode == http.StatusGone {
		u.Terminate(context.Background())
		s.tusEnd(id, transfer.ErrCancelled)
		return
	}
	if f := faultOf(err); f == faultNoSpace || f == faultTooLarge {
		// It will not fit: its bytes would only keep others from fitting.
		u.Terminate(context.Background())
		s.tusEnd(id, err)
		return
	}
	if u.rec.Info.Offset == u.rec.Info.Size {
		return // it lands, and its row ends, in tusFinish
	}
	t := &s.tus
	t.mu.Lock()
	defer t.mu.Unlock()
	live := t.live[id]
	if live == nil {
		return
	}
	live.rc = nil
	if live.idle == nil {
		live.idle = time.AfterFunc(tusIdle, func() {
			s.tusEnd(id, errors.New("the sender did not come back"))
		})
	}
}

// tusEnd ends an upload's row, if it has one.
func (s *Server) tusEnd(id string, err error) {
	t := &s.tus
	t.mu.Lock()
	live := t.live[id]
	delete(t.live, id)
	t.mu.Unlock()
	if live == nil {
		return
	}
	if live.idle != nil {
		live.idle.Stop()
	}
	if err == nil && live.part.Cancelled() {
		err = transfer.ErrCancelled
	}
	live.part.Done(err)
}

// noticeHandler is a slog.Handler that turns tusd's warnings and errors
// into notices in shareit's log, instead of lines on stderr behind the TUI.
type noticeHandler struct {
	t     *transfer.Tracker
	level slog.Level
	attrs []slog.Attr
}

func (h *noticeHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *noticeHandler) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString("tus: ")
	b.WriteString(rec.Message)
	add := func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	rec.Attrs(add)
	h.t.Notice(b.String())
	return nil
}

func (h *noticeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &noticeHandler{t: h.t, level: h.level, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

func (h *noticeHandler) WithGroup(string) slog.Handler { return h }
