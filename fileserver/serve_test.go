package fileserver_test

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"shareit/fileserver"
)

// mp4Box is the start of an MP4 file: an ftyp box, enough for content
// sniffing to agree with the extension.
const mp4Box = "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"

var serveFiles = map[string]string{
	"digits.txt":      "0123456789abcdefghij",
	"page.html":       "<!doctype html><title>page</title><p>hello</p>\n",
	"data.json":       "{\"a\": 1}\n",
	"pic.png":         "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	"clip.mp4":        mp4Box + "\x00\x00\x00\x08free",
	"notes.qqq":       "plain text behind an unknown extension\n",
	"blob.qqq":        "\x00\x01\x02\x03\xfe\xffbinary behind an unknown extension",
	"site/index.html": "<!doctype html><title>site</title><p>the site's own index</p>\n",
	"site/about.txt":  "about\n",
	"plain/a.txt":     "a\n",
	"plain/sub/b.txt": "b\n",
}

// serveCase is one request of the status/headers/body table. Header values
// may hold {etag} and {lastmod}, replaced by those of digits.txt.
type serveCase struct {
	name     string
	method   string
	path     string
	header   map[string]string
	status   int
	ctype    string // wanted Content-Type, when not ""
	body     string // wanted body, when not ""
	location string // wanted Location, when not ""
	// page marks the server's own HTML pages (listings, errors): their
	// markup is checked by the listing and error-page tests, so the
	// golden file holds their status and headers only.
	page bool
}

var serveCases = []serveCase{
	{name: "get", method: "GET", path: "/digits.txt", status: 200, ctype: "text/plain; charset=utf-8", body: "0123456789abcdefghij"},
	{name: "head", method: "HEAD", path: "/digits.txt", status: 200, ctype: "text/plain; charset=utf-8"},

	{name: "range-single", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-3"}, status: 206, body: "0123"},
	{name: "range-suffix", path: "/digits.txt", header: map[string]string{"Range": "bytes=-5"}, status: 206, body: "fghij"},
	{name: "range-open", path: "/digits.txt", header: map[string]string{"Range": "bytes=10-"}, status: 206, body: "abcdefghij"},
	{name: "range-multi", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-1,4-5,-2"}, status: 206},
	{name: "range-unsatisfiable", path: "/digits.txt", header: map[string]string{"Range": "bytes=100-200"}, status: 416},

	{name: "if-range-etag-match", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-3", "If-Range": "{etag}"}, status: 206, body: "0123"},
	{name: "if-range-etag-mismatch", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-3", "If-Range": `"not-it"`}, status: 200, body: "0123456789abcdefghij"},
	{name: "if-range-date-match", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-3", "If-Range": "{lastmod}"}, status: 206, body: "0123"},
	{name: "if-range-date-older", path: "/digits.txt", header: map[string]string{"Range": "bytes=0-3", "If-Range": "Thu, 01 Jan 2026 00:00:00 GMT"}, status: 200, body: "0123456789abcdefghij"},
	{name: "if-none-match", path: "/digits.txt", header: map[string]string{"If-None-Match": "{etag}"}, status: 304},
	{name: "if-none-match-other", path: "/digits.txt", header: map[string]string{"If-None-Match": `"not-it"`}, status: 200},
	{name: "if-modified-since", path: "/digits.txt", header: map[string]string{"If-Modified-Since": "{lastmod}"}, status: 304},
	{name: "if-modified-since-older", path: "/digits.txt", header: map[string]string{"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}, status: 200},

	{name: "type-html", path: "/page.html", status: 200, ctype: "text/html; charset=utf-8"},
	{name: "type-json", path: "/data.json", status: 200, ctype: "application/json"},
	{name: "type-png", path: "/pic.png", status: 200, ctype: "image/png"},
	{name: "type-mp4", path: "/clip.mp4", status: 200, ctype: "video/mp4"},
	{name: "type-unknown-text", path: "/notes.qqq", status: 200, ctype: "text/plain; charset=utf-8"},
	{name: "type-unknown-binary", path: "/blob.qqq", status: 200, ctype: "application/octet-stream"},

	{name: "index", path: "/site/", status: 200, ctype: "text/html; charset=utf-8", body: serveFiles["site/index.html"]},
	{name: "index-json", path: "/site/?json", status: 200, ctype: "application/json"},
	{name: "listing", path: "/plain/", status: 200, ctype: "text/html; charset=utf-8", page: true},
	{name: "dir-redirect", path: "/plain", status: 301, location: "/plain/"},
	{name: "dir-redirect-query", path: "/plain?json&x=1", status: 301, location: "/plain/?json&x=1"},
	{name: "dir-redirect-nested", path: "/plain/sub?x=%2F", status: 301, location: "/plain/sub/?x=%2F"},
	{name: "file-trailing-slash", path: "/digits.txt/", status: 301, location: "/digits.txt"},
	{name: "file-trailing-slash-query", path: "/plain/a.txt/?dl=1", status: 301, location: "/plain/a.txt?dl=1"},

	{name: "not-found", path: "/missing.txt", status: 404, ctype: "text/html; charset=utf-8", page: true},
	{name: "post", method: "POST", path: "/digits.txt", status: 405, ctype: "text/html; charset=utf-8", page: true},
}

// TestServe runs the status/headers table against golden files in
// testdata/serve; go test -run TestServe -update rewrites them.
func TestServe(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, serveFiles)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	first, _ := httpDo(t, "GET", base+"/digits.txt", nil)
	etag, lastmod := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if etag == "" || lastmod == "" {
		t.Fatalf("GET /digits.txt: ETag %q, Last-Modified %q, want both set", etag, lastmod)
	}
	if want := fixedTime.Format(http.TimeFormat); lastmod != want {
		t.Errorf("Last-Modified: got %q, want %q", lastmod, want)
	}
	fill := strings.NewReplacer("{etag}", etag, "{lastmod}", lastmod)

	for _, tc := range serveCases {
		t.Run(tc.name, func(t *testing.T) {
			method := cmp.Or(tc.method, "GET")
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, fill.Replace(v))
			}
			resp, body := httpDo(t, method, base+tc.path, h)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: got status %d, want %d", method, tc.path, resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Content-Type"); tc.ctype != "" && got != tc.ctype {
				t.Errorf("Content-Type: got %q, want %q", got, tc.ctype)
			}
			if tc.body != "" && string(body) != tc.body {
				t.Errorf("body: got %q, want %q", body, tc.body)
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && method != "HEAD" && cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s, body %d bytes", cl, len(body))
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location: got %q, want %q", got, tc.location)
			}
			if method == "HEAD" || resp.StatusCode == 304 {
				if len(body) != 0 {
					t.Errorf("%s: got a %d-byte body, want none", tc.name, len(body))
				}
			}
			golden(t, filepath.Join("testdata", "serve", tc.name+".golden"), describe(method, tc, resp, body))
		})
	}
}

// TestServeMultipleRanges reads a multipart/byteranges answer part by part.
func TestServeMultipleRanges(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, serveFiles)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	resp, body := httpDo(t, "GET", base+"/digits.txt", http.Header{"Range": {"bytes=0-1,4-5,-2"}})
	if resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("got status %d, want 206", resp.StatusCode)
	}
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		t.Fatalf("Content-Type: got %q (%v), want multipart/byteranges", resp.Header.Get("Content-Type"), err)
	}
	want := []struct{ rng, body string }{
		{"bytes 0-1/20", "01"},
		{"bytes 4-5/20", "45"},
		{"bytes 18-19/20", "ij"},
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for i, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		got, _ := io.ReadAll(p)
		if cr := p.Header.Get("Content-Range"); cr != w.rng || string(got) != w.body {
			t.Errorf("part %d: got %q %q, want %q %q", i, cr, got, w.rng, w.body)
		}
		if ct := p.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("part %d: Content-Type %q, want text/plain; charset=utf-8", i, ct)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("after %d parts: got %v, want the end", len(want), err)
	}
	if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(body) {
		t.Errorf("Content-Length %d, body %d bytes", n, len(body))
	}
}

// TestServeHeadMatchesGet: HEAD has no body but the headers GET has.
func TestServeHeadMatchesGet(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, serveFiles)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	for _, p := range []string{"/digits.txt", "/pic.png", "/site/", "/plain/", "/plain/?json", "/plain", "/missing.txt"} {
		t.Run(p, func(t *testing.T) {
			get, getBody := httpDo(t, "GET", base+p, nil)
			head, headBody := httpDo(t, "HEAD", base+p, nil)
			if get.StatusCode != head.StatusCode {
				t.Errorf("status: HEAD %d, GET %d", head.StatusCode, get.StatusCode)
			}
			if len(headBody) != 0 {
				t.Errorf("HEAD: got a %d-byte body, want none", len(headBody))
			}
			get.Header.Del("Date")
			head.Header.Del("Date")
			if get.StatusCode/100 == 3 && head.Header.Get("Content-Length") == "" {
				// http.Redirect writes no body for HEAD, so the length of
				// GET's little link page is unknown; RFC 9110 §9.3.2 lets a
				// HEAD answer omit it.
				get.Header.Del("Content-Length")
			}
			if g, h := headerText(get.Header), headerText(head.Header); g != h {
				t.Errorf("headers differ:\nGET:\n%s\nHEAD:\n%s", g, h)
			}
			if cl := get.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(getBody)) {
				t.Errorf("GET: Content-Length %s, body %d bytes", cl, len(getBody))
			}
		})
	}
}

// TestServeCurl fetches through curl, a client that is not Go's.
func TestServeCurl(t *testing.T) {
	curl := curlPath(t)
	root := t.TempDir()
	writeTree(t, root, serveFiles)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"whole", []string{base + "/digits.txt"}, "0123456789abcdefghij"},
		{"range", []string{"-r", "5-9", base + "/digits.txt"}, "56789"},
		{"follows folder redirect", []string{"-L", base + "/site"}, serveFiles["site/index.html"]},
		{"status", []string{"-o", "/dev/null", "-w", "%{http_code}", base + "/missing.txt"}, "404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := execOutput(curl, append([]string{"-sS", "--max-time", "30"}, tc.args...)...)
			if err != nil {
				t.Fatalf("curl %v: %v", tc.args, err)
			}
			if out != tc.want {
				t.Errorf("curl %v: got %q, want %q", tc.args, out, tc.want)
			}
		})
	}
}

var cspHashRe = regexp.MustCompile(`'sha256-[A-Za-z0-9+/=]+'`)

// describe renders a request and its response for a golden file. The Date
// header goes, and a multipart boundary becomes BOUNDARY; modification times
// are pinned by writeTree, so the rest is the same on every run.
func describe(method string, tc serveCase, resp *http.Response, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", method, tc.path)
	keys := make([]string, 0, len(tc.header))
	for k := range tc.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, tc.header[k])
	}
	fmt.Fprintf(&b, "\n%s %s\n", resp.Proto, resp.Status)
	h := resp.Header.Clone()
	h.Del("Date")
	if _, params, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && params["boundary"] != "" {
		body = bytes.ReplaceAll(body, []byte(params["boundary"]), []byte("BOUNDARY"))
		h.Set("Content-Type", strings.ReplaceAll(h.Get("Content-Type"), params["boundary"], "BOUNDARY"))
	}
	// The page's inline style and script hashes change with its design.
	if csp := h.Get("Content-Security-Policy"); csp != "" {
		h.Set("Content-Security-Policy", cspHashRe.ReplaceAllString(csp, "'sha256-HASH'"))
	}
	if tc.page {
		h.Set("Content-Length", "(page length)")
	}
	b.WriteString(headerText(h))
	b.WriteString("\n")
	if tc.page {
		b.WriteString("(the server's own page)\n")
	} else if utf8.Valid(body) && !bytes.ContainsFunc(body, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		b.Write(body)
	} else {
		fmt.Fprintf(&b, "(binary) %q\n", body)
	}
	return b.String()
}

// headerText is h as sorted "Key: value" lines.
func headerText(h http.Header) string {
	var lines []string
	for k, vs := range h {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}

// golden compares got with the file at path, or writes it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
