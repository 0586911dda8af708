package fileserver

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"shareit/transfer"
)

// Chunk sizes for tracked bodies. Each chunk is one sendfile run; between
// chunks the writer counts bytes, honours pause and cancel, and renews the
// stall deadline. Chunks aim at chunkTime of the client's speed, so a slow
// client still gets a fresh deadline often and a fast one few syscalls.
const (
	minChunk  = 64 << 10
	maxChunk  = 4 << 20
	chunkTime = 250 * time.Millisecond
)

// errStalled explains a transfer dropped because its client stopped reading.
var errStalled = errors.New("client stopped reading")

// responseWriter records the status and body size for the log and, for
// bodies worth watching, feeds a transfer.Part. It keeps sendfile: ReadFrom
// hands the file to the connection's own ReadFrom, one chunk at a time.
type responseWriter struct {
	http.ResponseWriter
	rf     io.ReaderFrom // the connection's ReadFrom: sendfile for files
	r      *http.Request
	client string // the client's IP address, once per request
	rc     *http.ResponseController
	s      *Server
	status int
	bytes  int64
	part   *transfer.Part // nil when the body is not tracked
	chunk  int64
	sent   float64   // bytes of the last chunks, decayed (adapt)
	took   float64   // seconds they took, decayed alike
	err    error     // the first write error: why a tracked body ended early
	user   string    // the authenticated user, for the log
	file   int64     // size of the file sent; -1 when the body is not a file (placement)
	mtime  time.Time // of the file sent, to see it rewritten mid-body (unchanged)
	seen   time.Time // when the file was last checked against size and mtime
	start  time.Time // when the request came, for the log
	folder *folder   // the folder a limited link serves from; nil: the served one
	device string    // the browser named in the secret link's cookie; "" for none
}

var (
	_ io.ReaderFrom = (*responseWriter)(nil)
	_ interface {
		Unwrap() http.ResponseWriter
	} = (*responseWriter)(nil)
)

func newResponseWriter(w http.ResponseWriter, r *http.Request, s *Server, start time.Time) *responseWriter {
	rf, _ := w.(io.ReaderFrom)
	rc := http.NewResponseController(w)
	// Every response gets a write deadline, renewed per chunk for tracked
	// bodies, so a client that stops reading cannot hold a goroutine forever.
	rc.SetWriteDeadline(time.Now().Add(s.cfg.Stall))
	return &responseWriter{ResponseWriter: w, rf: rf, r: r, client: clientIP(r.RemoteAddr), rc: rc, s: s, chunk: minChunk * 4, file: -1, start: start}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *responseWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.begin()
	}
	w.ResponseWriter.WriteHeader(code)
}

// begin starts tracking the body when it is a GET body worth watching.
func (w *responseWriter) begin() {
	if w.part != nil { // tracked already, as an archive (see track)
		return
	}
	if w.r.Method != http.MethodGet || (w.status != http.StatusOK && w.status != http.StatusPartialContent) {
		return
	}
	size, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
	if err != nil || size < minTracked {
		return
	}
	offset, whole := w.placement()
	w.track(transfer.Info{
		Kind:      transfer.Download,
		Client:    w.client,
		Port:      clientPort(w.r.RemoteAddr),
		Path:      w.r.URL.Path,
		UserAgent: w.r.UserAgent(),
		Size:      size,
		Partial:   w.status == http.StatusPartialContent,
		Offset:    offset,
		Whole:     whole,
	})
}

// track makes the body a transfer. Archives call it themselves, before
// WriteHeader, to be tracked as their own kind. A cancel cuts the write in
// progress through the deadline (interrupt).
func (w *responseWriter) track(info transfer.Info) {
	w.part = w.s.tracker.Begin(info, w.interrupt)
}

// interrupt is a cancel's abort: it cuts the write in progress through the
// write deadline, which net.Conn lets another goroutine set.
func (w *responseWriter) interrupt() { w.rc.SetWriteDeadline(time.Now()) }

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) > 0 && w.s.limited(w.client) {
		return w.writeLimited(p)
	}
	if w.part != nil {
		if err := w.next(); err != nil {
			return 0, err
		}
	}
	n, err := w.ResponseWriter.Write(p)
	w.wrote(int64(n))
	w.fail(err)
	return n, err
}

// ReadFrom sends src through the connection's own ReadFrom, which uses
// sendfile when src is an *os.File or an *io.LimitedReader around one (one
// level only: wrapping twice silently falls back to a copy loop). ServeContent
// passes io.CopyN's *io.LimitedReader; it is unwrapped and re-limited per
// chunk, and its N is kept up to date for the caller.
func (w *responseWriter) ReadFrom(src io.Reader) (n int64, err error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.rf == nil {
		return io.Copy(writerOnly{w}, src)
	}
	if w.part == nil && !w.s.limited(w.client) {
		n, err = w.rf.ReadFrom(src)
		w.bytes += n
		return n, err
	}
	defer func() { w.fail(err) }()
	r, left := src, int64(-1)
	if lr, ok := src.(*io.LimitedReader); ok {
		r, left = lr.R, lr.N
		defer func() { lr.N = left }()
	}
	for left != 0 {
		size := w.chunk
		if left > 0 {
			size = min(size, left)
		}
		// Under a rate cap a chunk is at most the client's burst.
		if size, err = w.throttle(size); err != nil {
			return n, err
		}
		if err := w.next(); err != nil {
			return n, err
		}
		chunk := &io.LimitedReader{R: r, N: size}
		start := time.Now()
		m, err := w.rf.ReadFrom(chunk)
		n += m
		if left > 0 {
			left -= m
		}
		w.wrote(m)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && (w.part == nil || !w.part.Cancelled()) {
				if w.s.tracker.Paused() {
					// Paused while this chunk waited on a client that had
					// stopped reading: not a stall. The file offset and
					// left track what was sent, so go on after the pause.
					continue
				}
				err = errStalled
			}
			return n, err
		}
		w.adapt(m, time.Since(start))
		if err := w.unchanged(r, chunk.N > 0 || left <= w.chunk); err != nil {
			return n, err
		}
		if chunk.N > 0 { // src ended
			return n, nil
		}
	}
	return n, nil
}

// next is called before each chunk: it blocks while paused, stops a
// cancelled transfer, and gives the client a fresh stall deadline.
func (w *responseWriter) next() error {
	if w.part != nil { // untracked bodies come here only under a rate cap
		if err := w.part.Wait(w.r.Context()); err != nil {
			return err
		}
	}
	return w.rc.SetWriteDeadline(time.Now().Add(w.s.cfg.Stall))
}

// adapt sizes the next chunk to about chunkTime at the client's speed,
// taken over the last few chunks (their bytes and times decay by a quarter
// a chunk). One chunk's speed alone misleads: a chunk that fits in the
// socket's free buffer leaves at once, and the 4 MiB chunk that speed
// asks for next then holds a slow client's count still for seconds, which
// is what the live view's speed and time left are read from.
func (w *responseWriter) adapt(n int64, took time.Duration) {
	w.sent = w.sent*0.75 + float64(n)
	w.took = w.took*0.75 + took.Seconds()
	if w.took <= 0 {
		w.chunk = maxChunk
		return
	}
	next := int64(w.sent * chunkTime.Seconds() / w.took)
	w.chunk = min(max(next, minChunk), maxChunk)
}

func (w *responseWriter) wrote(n int64) {
	w.bytes += n
	if w.part != nil {
		w.part.Add(n)
	}
}

func (w *responseWriter) fail(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

// done ends the tracked part, if any, with the body's outcome.
func (w *responseWriter) done() {
	if w.part != nil {
		w.part.Done(w.err)
	}
}

// writerOnly hides ReadFrom so io.Copy does not call back into it.
type writerOnly struct{ io.Writer }
