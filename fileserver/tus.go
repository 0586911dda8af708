package fileserver

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"
	"golang.org/x/exp/slog" // tusd's logger type
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

// tusState is the tus side of a Server: tusd's handler, made at the first
// tus request, and the uploads that have a row in the transfers.
type tusState struct {
	once sync.Once
	h    *handler.UnroutedHandler
	err  error

	mu   sync.Mutex
	live map[string]*tusLive
}

type tusCtxKey struct{}

// tusReq is what shareit passes to tusd's callbacks and store through the
// request's context.
type tusReq struct {
	w      *responseWriter
	folder string // POST: the folder of the URL, relative to the root
	// The upload whose last byte this request brought, for tusFinish to
	// land: its record on disk is one chunk behind (WriteChunk).
	done *tusUpload
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
		r = withPath(r, id) // tusd takes the whole path for the ID
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
	if r.Body != nil {
		// Refused mid-body (a full disk): read on a little, so that a
		// client still sending gets the answer, not a reset connection.
		io.CopyN(io.Discard, r.Body, drainLimit)
	}
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

// tusCreate checks a new upload before anything is stored: the folder and
// the name, which go into the metadata. tusd has refused a size over
// --max-upload already (Config.MaxSize).
func (s *Server) tusCreate(hook handler.HookEvent) (handler.HTTPResponse, handler.FileInfoChanges, error) {
	req := tusReqOf(hook.Context)
	var none handler.FileInfoChanges
	meta := hook.Upload.MetaData
	// A file's own name is cleaned as the form's is; a folder's relative
	// path is checked strictly (uploadPath).
	name, msg := s.uploadName(cmp.Or(meta["filename"], meta["name"]))
	if rel := meta["relativePath"]; rel != "" {
		name, msg = s.uploadPath(rel)
	}
	if msg != "" {
		return handler.HTTPResponse{}, none, tusError(http.StatusBadRequest, msg)
	}
	t, err := s.uploadTarget(req.folder, "")
	if err != nil {
		return handler.HTTPResponse{}, none, tusErrorOf(err)
	}
	t.dir.Close()
	changed := make(handler.MetaData, len(meta)+2)
	for k, v := range meta {
		changed[k] = v
	}
	changed[metaFolder], changed[metaName] = req.folder, name
	// An empty upload is complete at its creation and tusd writes no
	// chunk for it: it needs its record, to land from in tusFinish.
	if h := hook.HTTPRequest.Header; hook.Upload.Size > 0 && h.Get("Content-Type") == "application/offset+octet-stream" &&
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
	u := tusReqOf(hook.Context).done
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
