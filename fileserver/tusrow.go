package fileserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"

	"shareit/transfer"
)

// tusIdle is how long an upload's row stays in the transfers after its
// last PATCH broke off, waiting for the sender to resume.
const tusIdle = 2 * time.Minute

// tusLive is an upload's row in the transfers: one for all its PATCH
// requests, as a download's Range parts are one.
type tusLive struct {
	part *transfer.Part
	rc   *http.ResponseController // of the PATCH now running; nil between
	idle *time.Timer
}

// tusBody wraps the body of a PATCH: it counts the bytes into the
// upload's row, waits while transfers are paused, and stops when the row
// is cancelled or uploads are turned off.
func (s *Server) tusBody(ctx context.Context, u *tusUpload, src io.Reader) io.Reader {
	req := tusReqOf(ctx)
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
