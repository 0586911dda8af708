package fileserver

import (
	"context"
	"io"
	"net/http"
)

// The per-client bandwidth cap. Every body a client receives or sends draws
// on that client's one bucket (transfer.Limiter): tracked downloads between
// their sendfile chunks, which are never larger than the bucket's burst, so
// sendfile stays in use; small bodies, pages and errors in Write; uploads
// as their request body is read. Opening more connections gets no more.

// Rate is the per-client cap in bytes per second, 0 when there is none.
func (s *Server) Rate() int64 { return s.access.limiter.Rate() }

// SetRate changes the per-client cap, for running transfers too; 0 turns
// it off.
func (s *Server) SetRate(bps int64) { s.access.limiter.SetRate(bps) }

// throttle waits until the client may receive more bytes and returns how
// many of the size wanted it may receive now. Without a cap it returns size
// at once.
func (w *responseWriter) throttle(size int64) (int64, error) {
	return w.s.take(w.r.Context(), w.client, size)
}

// writeLimited writes p in the pieces the client's cap allows, each one
// counted, checked for pause and cancel, with a fresh stall deadline.
func (w *responseWriter) writeLimited(p []byte) (n int, err error) {
	for len(p) > 0 {
		size, err := w.throttle(int64(len(p)))
		if err != nil {
			w.fail(err)
			return n, err
		}
		if err := w.next(); err != nil {
			w.fail(err)
			return n, err
		}
		m, err := w.ResponseWriter.Write(p[:size])
		n += m
		w.wrote(int64(m))
		if err != nil {
			w.fail(err)
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// limitedBody is a request body read within its client's cap. Bytes are
// charged after they are read, so a short read costs only what it got.
type limitedBody struct {
	io.ReadCloser
	s      *Server
	ctx    context.Context
	client string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if !b.s.limited(b.client) {
		return b.ReadCloser.Read(p)
	}
	if burst := b.s.burst(b.client); burst > 0 && int64(len(p)) > burst {
		p = p[:burst]
	}
	n, err := b.ReadCloser.Read(p)
	for left := int64(n); left > 0; {
		got, werr := b.s.take(b.ctx, b.client, left)
		if werr != nil {
			return n, werr
		}
		left -= got
	}
	return n, err
}

// limitBody returns r with its body under its client's cap. The cap is
// looked up at every read, so one set while an upload runs applies to it
// too. r itself keeps its body: net/http looks at it after the handler to
// decide whether an unread body is skipped, or refused without asking for
// it (Expect: 100-continue), and a body it does not know it would read.
func (s *Server) limitBody(r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	limited := *r
	limited.Body = &limitedBody{ReadCloser: r.Body, s: s, ctx: r.Context(), client: clientIP(r.RemoteAddr)}
	return &limited
}
