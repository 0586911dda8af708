package fileserver_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
)

// deadlineRecorder is an httptest.ResponseRecorder that takes the write
// deadlines the server sets on every response, as a connection does.
type deadlineRecorder struct{ *httptest.ResponseRecorder }

func (deadlineRecorder) SetWriteDeadline(time.Time) error { return nil }
func (deadlineRecorder) SetReadDeadline(time.Time) error  { return nil }

// serveRaw parses target as the request line's target, as the server's
// connection does, and runs it through srv's handler. ok is false when
// net/http would not have parsed the request at all.
func serveRaw(srv *fileserver.Server, method, target string, header http.Header) (rec *httptest.ResponseRecorder, ok bool) {
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")))
	if err != nil {
		return nil, false
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.RemoteAddr = "127.0.0.1:40000"
	rec = httptest.NewRecorder()
	srv.ServeHTTP(deadlineRecorder{rec}, req)
	return rec, true
}

// FuzzServeHTTP sends any request target to the real handler, serving the
// tree of TestConfinement (secrets next to the root, dotfiles in it,
// symlinks in and out), with and without Hidden: no answer holds a secret
// from outside the root, nor a dotfile's without Hidden, archives
// included; no answer is a 5xx; no redirect leads off the site; and every
// transfer that began has ended.
func FuzzServeHTTP(f *testing.F) {
	root := confinedTree(f)
	plain, plainTracker, _ := startServer(f, fileserver.Config{Root: root})
	hidden, hiddenTracker, _ := startServer(f, fileserver.Config{Root: root, Hidden: true})
	for _, target := range traversals {
		f.Add(target, false)
	}
	for _, target := range []string{"/", "/public.txt", "/sub", "/sub/", "/?zip", "/?tgz", "/sub/?json", "/link-indir",
		"/link-outdir/?zip", "/.git/?tgz", "//sub", "///sub", "/sub//", "/public.txt/", "/?sort=size&order=asc"} {
		f.Add(target, false)
		f.Add(target, true)
	}
	f.Fuzz(func(t *testing.T, target string, withHidden bool) {
		srv, tracker := plain, plainTracker
		if withHidden {
			srv, tracker = hidden, hiddenTracker
		}
		rec, ok := serveRaw(srv, "GET", target, nil)
		if !ok {
			return
		}
		body := rec.Body.Bytes()
		if rec.Header().Get("Content-Type") == "application/gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("GET %q: a gzip body that does not open: %v", target, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("GET %q: a gzip body that does not read: %v", target, err)
			}
		}
		secrets := []string{secretText, outsideText}
		if !withHidden {
			secrets = append(secrets, dotenvText, gitText, hiddenText)
		}
		for _, s := range secrets {
			if bytes.Contains(body, []byte(s)) {
				t.Fatalf("GET %q (hidden %v): %d answer holds %q", target, withHidden, rec.Code, s)
			}
		}
		if rec.Code >= 500 {
			t.Errorf("GET %q (hidden %v): got status %d, want no server error", target, withHidden, rec.Code)
		}
		if loc := rec.Header().Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`)) {
			t.Errorf("GET %q: redirect to %q, which leaves the site", target, loc)
		}
		if n := len(tracker.Snapshot().Transfers); n != 0 {
			t.Errorf("GET %q: %d transfers still active after the handler returned", target, n)
		}
	})
}

// FuzzRange: any Range header on a file big enough to be tracked gets 200
// with the whole file, 206 with exactly the bytes its Content-Range says
// (one range, or each part of a multipart/byteranges), or 416. net/http
// parses Range (http.ServeContent); shareit only drops the zero-length
// suffix ranges net/http would answer with an empty 206 (dropEmptySuffixes),
// and reads the Content-Range net/http answers with to place tracked parts
// in the file (responseWriter.placement). Every tracked part ends.
func FuzzRange(f *testing.F) {
	const size = 70000 // over the 64 KiB from which bodies are tracked
	root := f.TempDir()
	content := patternBlock[:size]
	if err := os.WriteFile(filepath.Join(root, "f.bin"), content, 0o644); err != nil {
		f.Fatal(err)
	}
	srv, tracker, _ := startServer(f, fileserver.Config{Root: root})
	for _, r := range []string{"", "bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-70000", "bytes=-70001", "bytes=69999-",
		"bytes=70000-", "bytes=0-99,200-299", "bytes=0-,0-", "bytes=5-4", "bytes=1-2,3-4,5-6,7-8", "bytes= 1 - 2 ",
		"bytes=0-65535,65536-", "bytes=99999999999999999999-", "bytes=-0", "items=0-1", "bytes=0-1,-1,2-"} {
		f.Add(r, false)
		f.Add(r, true)
	}
	f.Fuzz(func(t *testing.T, rng string, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		rec, ok := serveRaw(srv, method, "/f.bin", http.Header{"Range": {rng}})
		if !ok {
			t.Fatal("a fixed request did not parse")
		}
		defer func() {
			if n := len(tracker.Snapshot().Transfers); n != 0 {
				t.Errorf("Range %q: %d transfers still active after the handler returned", rng, n)
			}
		}()
		// A recorder keeps what a HEAD handler writes; a connection drops it.
		body := rec.Body.Bytes()
		switch rec.Code {
		case http.StatusOK:
			if !head && !bytes.Equal(body, content) {
				t.Errorf("Range %q: 200 with %d bytes, want the whole file", rng, len(body))
			}
		case http.StatusRequestedRangeNotSatisfiable:
			// net/http answers a Range it cannot parse with a bare 416,
			// and one past the end with the file's length.
			if got, want := rec.Header().Get("Content-Range"), fmt.Sprintf("bytes */%d", size); got != want && got != "" {
				t.Errorf("Range %q: 416 with Content-Range %q, want %q or none", rng, got, want)
			}
		case http.StatusPartialContent:
			mt, params, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
			if mt != "multipart/byteranges" {
				checkRangePart(t, rng, rec.Header().Get("Content-Range"), body, content, head)
				return
			}
			if head {
				return
			}
			mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			parts := 0
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Range %q: multipart body: %v", rng, err)
				}
				b, err := io.ReadAll(p)
				if err != nil {
					t.Fatalf("Range %q: part %d: %v", rng, parts, err)
				}
				checkRangePart(t, rng, p.Header.Get("Content-Range"), b, content, false)
				parts++
			}
			if parts < 2 {
				t.Errorf("Range %q: multipart answer with %d parts, want two or more", rng, parts)
			}
		default:
			t.Errorf("Range %q: got status %d, want 200, 206 or 416", rng, rec.Code)
		}
	})
}

// checkRangePart checks that body is the bytes of content that its
// Content-Range cr names.
func checkRangePart(t *testing.T, rng, cr string, body, content []byte, head bool) {
	t.Helper()
	var first, last, total int
	if n, err := fmt.Sscanf(cr, "bytes %d-%d/%d", &first, &last, &total); n != 3 || err != nil {
		t.Fatalf("Range %q: Content-Range %q does not parse: %v", rng, cr, err)
	}
	if total != len(content) || first < 0 || last < first || last >= total {
		t.Fatalf("Range %q: Content-Range %q, want a range within %d bytes", rng, cr, len(content))
	}
	if !head && !bytes.Equal(body, content[first:last+1]) {
		t.Errorf("Range %q: the body of %q is %d bytes that are not bytes %d-%d of the file", rng, cr, len(body), first, last)
	}
}
