package fileserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shareit/fileserver/accel"
	"shareit/transfer"
)

// Responses compared byte for byte (issue 19, point 3). One Server is
// reached two ways at once: through its own listener (Listen and Run: on
// Linux the accelerators' connections, which send file bodies with their
// own sendfile calls, under the refusal log's watchedConn) and through a
// bare http.Server on a bare TCP listener, net/http and nothing else. The
// same raw requests go to both, over a generated corpus of paths, methods,
// conditional headers, ranges and connection modes, and every answer must
// be the same: status line, headers but Date, body, and whether the
// connection stays open.

// diffSeed makes the corpus: the same cases, bodies and ranges every run.
var diffSeed = [32]byte{'s', 'h', 'a', 'r', 'e', 'i', 't', 19, 3}

// diffTime is every file's modification time.
var diffTime = time.Date(2026, time.March, 4, 5, 6, 7, 0, time.UTC)

// diffFile is a regular file of the corpus, by the name it is requested by.
type diffFile struct {
	name string // slash-separated, under the root
	size int64
	etag string
}

// diffTree is the served folder: files of the sizes that matter to the
// small-file cache, the tracker and the sendfile chunks, names with odd
// bytes, dotfiles, symlinks that stay in the folder and ones that leave
// it, folders, and an index page. Names the system refuses (Windows) are
// left out. It returns the files, in the order made, and every name worth
// requesting, missing ones included.
func diffTree(t *testing.T, rng *rand.Rand) (dir string, files []diffFile, names []string) {
	t.Helper()
	dir = t.TempDir()
	outside := t.TempDir()
	write := func(name string, body []byte) bool {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return false // a name this system refuses
		}
		if err := os.Chtimes(p, diffTime, diffTime); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, diffFile{name, fi.Size(), etag(fi)})
		names = append(names, name)
		return true
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	sizes := []struct {
		name string
		n    int
	}{
		{"empty.txt", 0}, {"one.txt", 1}, {"4k.bin", 4 << 10}, {"64k-1.bin", 64<<10 - 1},
		{"64k.bin", 64 << 10}, {"64k+1.bin", 64<<10 + 1}, {"1m.bin", 1 << 20}, {"5m.bin", 5 << 20},
	}
	for _, s := range sizes {
		body := random(s.n)
		if s.name == "one.txt" {
			body = []byte("x")
		}
		write(s.name, body)
	}
	write("noext", []byte("<!doctype html><title>sniffed</title>\n")) // Content-Type sniffed
	for _, name := range []string{
		"sp ace.txt", "per%cent.txt", "hash#.txt", "q?mark.txt", "plus+.txt", "semi;colon.txt",
		"amp&eq=.txt", "quote'\".txt", "back\\slash.txt", "é-utf8.txt", "\xff\xfe-latin1.txt",
		"ctl\x01.txt", "tab\t.txt", "new\nline.txt", "<tag>.html", "..dots.txt", "trailing.",
		"~tilde.txt", "%2F.txt", "%00.txt", "colon:.txt", "star*.txt", "日本語.txt",
		".hidden.txt", ".dotdir/inner.txt",
		"sub/a.txt", "sub/deeper/b.txt", "spa ce dir/x.txt", "site/index.html",
	} {
		write(name, append([]byte("file "+strconv.Quote(name)+"\n"), random(rng.IntN(200))...))
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	names = append(names, "empty", "sub", "sub/deeper", "spa ce dir", "site", ".dotdir")
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("outside the root\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"link-in.txt":   filepath.FromSlash("sub/a.txt"),
		"link-dir":      "sub",
		"link-out.txt":  secret,
		"link-outdir":   outside,
		"link-dangling": "nowhere",
		"link-dot":      ".hidden.txt",
		"sub/up.txt":    filepath.FromSlash("../one.txt"),
		"sub/up-dir":    "..",
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err == nil {
			names = append(names, link)
		}
	}
	names = append(names, "missing.txt", "sub/missing/", "nope/x.txt", "sub/a.txt/x")
	slices.Sort(names) // map iteration left the symlinks in random order
	return dir, files, names
}

// diffCase is one raw request, or several sent together on one connection.
type diffCase struct {
	label   string
	raw     []byte
	methods []string // one per request, for reading the answers (HEAD has no body)
}

// escapePath escapes every byte of p but unreserved ones and slashes, as
// a client would; all escapes every byte but slashes.
func escapePath(p string, all bool) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || !all && unreserved(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// diffTargets is every request target of the corpus: each name as a
// client escapes it, with every byte escaped, with its slashes escaped,
// folders with and without the slash; and targets made to trip a path
// cleaner: dot segments, NUL, overlong UTF-8, bad escapes, queries.
func diffTargets(names []string) []string {
	var targets []string
	for _, name := range names {
		dir := !strings.Contains(name, ".") || strings.HasSuffix(name, "/") ||
			name == "sub/deeper" || name == "spa ce dir" || name == ".dotdir"
		p := "/" + strings.TrimSuffix(name, "/")
		targets = append(targets, escapePath(p, false), escapePath(p, true))
		if dir {
			targets = append(targets, escapePath(p, false)+"/")
		}
		if strings.Count(p, "/") > 1 {
			targets = append(targets, "/"+strings.ReplaceAll(escapePath(p[1:], false), "/", "%2F"))
		}
	}
	return append(targets,
		"/", "//", "///sub/a.txt", "/./sub/", "/sub/./a.txt", "/sub/../one.txt", "/sub/..", "/..",
		"/../one.txt", "/%2e%2e/one.txt", "/sub/%2e%2e/one.txt", "/sub/%2E%2E%2Fone.txt",
		"/sub%2fa.txt", "/sub%2Fdeeper%2F", "/sub/..%2fone.txt", "/%2e/one.txt", "/%2e%2e",
		"/one.txt%00", "/%00", "/sub/a%00.txt", "/%c0%ae%c0%ae/one.txt", "/%c0%af", "/sub%c0%afa.txt",
		"/%e0%80%af", "/%ff", "/%zz", "/%", "/%2", "/one.txt%", "/one.txt?x=1", "/one.txt?",
		"/one.txt#frag", "/sub?zip", "/sub/?zip", "/sub/?tgz", "/?json", "/sub/?json", "/sub/?sort=size&order=desc",
		"/sub/deeper/?zip&json", "/sub\\a.txt", "/sub/\\..\\one.txt", "/sub//a.txt", "/sub/a.txt/",
		"/one.txt;param", "/ONE.TXT", "/link-dir/a.txt", "/link-dir/../one.txt", "/link-outdir/secret.txt",
		"*", "http://diff/one.txt", "http://other.example/sub/", "one.txt", "/"+strings.Repeat("a/", 300),
	)
}

// diffConns is how a request asks for its connection: HTTP/1.1 kept alive
// by default, or closed, HTTP/1.0 closed by default, or kept alive.
var diffConns = []struct{ proto, header string }{
	{"HTTP/1.1", ""}, {"HTTP/1.1", ""}, {"HTTP/1.1", "Connection: close\r\n"},
	{"HTTP/1.1", "Connection: keep-alive\r\n"}, {"HTTP/1.0", ""}, {"HTTP/1.0", "Connection: keep-alive\r\n"},
}

// rawRequest writes one raw request.
func rawRequest(method, target, proto, headers string, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\nHost: diff\r\n%s", method, target, proto, headers)
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	return b.Bytes()
}

// diffCorpus generates the cases: every target with GET, HEAD and another; every
// file with each conditional header and Range, by GET and some by HEAD;
// a few malformed requests; each in a connection mode the seed picks.
func diffCorpus(rng *rand.Rand, files []diffFile, names []string) []diffCase {
	var cases []diffCase
	add := func(method, target, headers, body string) {
		c := diffConns[rng.IntN(len(diffConns))]
		raw := rawRequest(method, target, c.proto, headers+c.header, body)
		label := fmt.Sprintf("%s %q %s %q", method, target, c.proto, headers+c.header)
		cases = append(cases, diffCase{label: label, raw: raw, methods: []string{method}})
	}
	// The methods but GET and HEAD are refused before the path is looked
	// at (uploads are off): each target gets one of them, as the seed
	// picks, and every one of them goes to / and to a file.
	others := []string{"POST", "PUT", "OPTIONS", "DELETE"}
	for _, target := range diffTargets(names) {
		methods := []string{"GET", "HEAD", others[rng.IntN(len(others))]}
		if target == "/" || target == "/one.txt" {
			methods = append(methods[:2], others...)
		}
		for _, m := range methods {
			body := ""
			if m == "POST" || m == "PUT" {
				body = "hello"
			}
			add(m, target, "", body)
		}
	}

	before := diffTime.Add(-time.Hour).Format(http.TimeFormat)
	at := diffTime.Format(http.TimeFormat)
	after := diffTime.Add(time.Hour).Format(http.TimeFormat)
	for _, f := range files {
		n := f.size
		r1, r2 := rng.Int64N(n+1), rng.Int64N(n+1)
		lo, hi := min(r1, r2), max(r1, r2)
		variants := []string{
			"",
			"Range: bytes=0-0", "Range: bytes=0-99", "Range: bytes=1-", "Range: bytes=-1",
			"Range: bytes=-100", "Range: bytes=-0", "Range: bytes=0-",
			fmt.Sprintf("Range: bytes=%d-", max(n-1, 0)), fmt.Sprintf("Range: bytes=%d-", n),
			fmt.Sprintf("Range: bytes=%d-%d", lo, hi), fmt.Sprintf("Range: bytes=%d-%d", n/2, n+100),
			"Range: bytes=99999999-", "Range: bytes=0-0,2-3,-1", "Range: bytes=0-10,5-20",
			fmt.Sprintf("Range: bytes=0-0,%d-%d,%d-", lo, hi, max(n-3, 0)),
			"Range: bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19",
			"Range: bytes=5-1", "Range: bytes=abc", "Range: items=0-1", "Range: bytes= 0-1",
			"Range: bytes=0-1,", "Range: bytes=--1", "Range: bytes=1-2\r\nRange: bytes=3-4",
			"If-None-Match: " + f.etag, `If-None-Match: "wrong"`, "If-None-Match: *",
			"If-None-Match: W/" + f.etag, `If-None-Match: "a", ` + f.etag,
			"If-Modified-Since: " + before, "If-Modified-Since: " + at, "If-Modified-Since: " + after,
			"If-Modified-Since: yesterday", "If-Unmodified-Since: " + before, "If-Unmodified-Since: " + after,
			"If-Match: " + f.etag, `If-Match: "wrong"`,
			"If-Range: " + f.etag + "\r\nRange: bytes=0-9", "If-Range: \"wrong\"\r\nRange: bytes=0-9",
			"If-Range: " + at + "\r\nRange: bytes=0-9", "If-Range: " + before + "\r\nRange: bytes=0-9",
			"If-Range: W/" + f.etag + "\r\nRange: bytes=0-9",
			"If-None-Match: " + f.etag + "\r\nRange: bytes=0-9",
			"If-None-Match: \"wrong\"\r\nIf-Modified-Since: " + after,
			"If-Match: \"wrong\"\r\nRange: bytes=0-9",
		}
		target := escapePath("/"+f.name, false)
		for i, v := range variants {
			if v != "" {
				v += "\r\n"
			}
			add("GET", target, v, "")
			if i%3 == 0 {
				add("HEAD", target, v, "")
			}
		}
	}

	for _, raw := range []string{
		"GET /one.txt HTTP/1.1\r\n\r\n",                            // no Host
		"GET /one.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",      // two
		"GET /one.txt HTTP/1.0\r\n\r\n",                            // HTTP/1.0 needs none
		"GET /one.txt HTTP/1.1\nHost: diff\n\n",                    // bare line feeds
		"GET /one.txt HTTP/2.0\r\nHost: diff\r\n\r\n",              // a version it does not speak
		"GET /one.txt HTTP/1.2\r\nHost: diff\r\n\r\n",              // a minor version it does not know
		"get /one.txt HTTP/1.1\r\nHost: diff\r\n\r\n",              // methods are case-sensitive
		"PATCH /one.txt HTTP/1.1\r\nHost: diff\r\n\r\n",            // unknown to shareit
		"GET /one.txt HTTP/1.1\r\nHost : diff\r\n\r\n",             // space before the colon
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nX: a\x01b\r\n\r\n", // a control byte
		"GET /one\x01.txt HTTP/1.1\r\nHost: diff\r\n\r\n",          // one in the target
		"GET  /one.txt HTTP/1.1\r\nHost: diff\r\n\r\n",             // two spaces
		"GET /one.txt\r\nHost: diff\r\n\r\n",                       // no version
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\n folded: x\r\n\r\n",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nContent-Length: 3\r\n\r\nabc",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nContent-Length: -1\r\n\r\n",
		"POST /one.txt HTTP/1.1\r\nHost: diff\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"POST /one.txt HTTP/1.1\r\nHost: diff\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
		"POST /one.txt HTTP/1.1\r\nHost: diff\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST /one.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"PUT /new.txt HTTP/1.1\r\nHost: diff\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nExpect: something\r\n\r\n",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nAccept: application/json\r\n\r\n",
		"GET /sub/ HTTP/1.1\r\nHost: diff\r\nAccept: application/json\r\n\r\n",
		"GET /sub/ HTTP/1.1\r\nHost: diff\r\nAccept-Encoding: gzip\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: diff\r\n\r\n",
		"CONNECT diff:443 HTTP/1.1\r\nHost: diff:443\r\n\r\n",
		"TRACE /one.txt HTTP/1.1\r\nHost: diff\r\n\r\n",
		"GET /one.txt HTTP/1.1\r\nHost: diff\r\nX-Long: " + strings.Repeat("v", 8000) + "\r\n\r\n",
	} {
		method, _, _ := strings.Cut(raw, " ")
		cases = append(cases, diffCase{label: fmt.Sprintf("raw %.60q", raw), raw: []byte(raw), methods: []string{method}})
	}
	return cases
}

// pipelined groups cases that keep their connection open by HTTP/1.1's
// default into runs of several, sent in one write on one connection.
func pipelined(rng *rand.Rand, cases []diffCase, runs, per int) []diffCase {
	var pool []diffCase
	for _, c := range cases {
		m := c.methods[0]
		if (m == "GET" || m == "HEAD") && bytes.Contains(c.raw, []byte(" HTTP/1.1\r\nHost: diff\r\n")) &&
			!bytes.Contains(c.raw, []byte("Connection:")) {
			pool = append(pool, c)
		}
	}
	var out []diffCase
	for i := range runs {
		run := diffCase{label: fmt.Sprintf("pipelined run %d:", i)}
		for range per {
			c := pool[rng.IntN(len(pool))]
			run.label += "\n\t" + c.label
			run.raw = append(run.raw, c.raw...)
			run.methods = append(run.methods, c.methods...)
		}
		out = append(out, run)
	}
	return out
}

// diffAnswer is what a server answered to one case.
type diffAnswer struct {
	heads  []string // each answer's status line and headers, Date left out, boundaries replaced
	bodies [][]byte // each answer's body, boundaries replaced
	end    string   // after the answers: "open", "closed", or what went wrong
}

// peekHead returns the header block br starts with, without reading it.
func peekHead(br *bufio.Reader) ([]byte, error) {
	for {
		b, _ := br.Peek(br.Buffered())
		if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
			return bytes.Clone(b[:i+4]), nil
		}
		if _, err := br.Peek(len(b) + 1); err != nil { // wait for more
			return nil, err
		}
	}
}

// diffDeadline bounds one case on one server; answers come in
// milliseconds.
const diffDeadline = 20 * time.Second

// exchange sends c on a new connection to addr and reads its answers,
// then learns whether the server kept the connection open: when the last
// answer says it closes, by reading to the end; else by asking once more
// on the same connection: an answer means open, EOF or a reset closed.
func exchange(addr string, c diffCase) diffAnswer {
	var a diffAnswer
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		a.end = "dial: " + err.Error()
		return a
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(diffDeadline))
	if _, err := conn.Write(c.raw); err != nil {
		a.end = "write: " + errClass(err)
		return a
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	var last *http.Response
	for _, m := range c.methods {
		for {
			head, err := peekHead(br)
			if err != nil {
				a.end = "read: " + errClass(err)
				return a
			}
			resp, err := http.ReadResponse(br, &http.Request{Method: m})
			if err != nil {
				a.end = "read: " + errClass(err)
				return a
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				a.end = "read body: " + errClass(err)
				return a
			}
			h, b := normalise(head, body, resp.Header.Get("Content-Type"))
			a.heads, a.bodies = append(a.heads, h), append(a.bodies, b)
			last = resp
			if resp.StatusCode/100 != 1 {
				break // a final answer; 100 Continue comes before one
			}
		}
	}
	if last.Close {
		// Nothing more should come. (A request net/http could not read
		// is answered with a body even when it was a HEAD.)
		rest, err := io.ReadAll(br)
		switch {
		case len(rest) > 0:
			a.end = fmt.Sprintf("closed after %q", rest)
		case err != nil:
			a.end = "closed: " + errClass(err)
		default:
			a.end = "closed"
		}
		return a
	}
	if _, err := io.WriteString(conn, "GET /probe HTTP/1.1\r\nHost: diff\r\n\r\n"); err != nil {
		a.end = "closed"
		return a
	}
	resp, err := http.ReadResponse(br, nil)
	switch {
	case err == nil && resp.StatusCode == http.StatusNotFound:
		a.end = "open"
	case err == nil:
		a.end = "open, but the probe got " + resp.Status
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errClass(err) == "reset":
		a.end = "closed"
	default:
		a.end = "probe: " + errClass(err)
	}
	return a
}

// errClass names an error without the addresses and ports that differ
// between the two servers.
func errClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF):
		return "EOF"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected EOF"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection reset"), strings.Contains(err.Error(), "broken pipe"):
		return "reset"
	}
	return err.Error()
}

// normalise drops the Date header from a raw header block and puts
// "BOUNDARY" for a multipart body's boundary, which is random, in both.
func normalise(head, body []byte, ctype string) (string, []byte) {
	var lines []string
	for line := range strings.SplitSeq(string(head), "\r\n") {
		if !strings.HasPrefix(strings.ToLower(line), "date:") {
			lines = append(lines, line)
		}
	}
	h := strings.Join(lines, "\n")
	if _, b, ok := strings.Cut(ctype, "boundary="); ok && b != "" {
		h = strings.ReplaceAll(h, b, "BOUNDARY")
		body = bytes.ReplaceAll(body, []byte(b), []byte("BOUNDARY"))
	}
	return h, body
}

// diffReport says how two answers differ, "" when they do not.
func diffReport(got, want diffAnswer) string {
	var b strings.Builder
	for i := range max(len(got.heads), len(want.heads)) {
		var gh, wh string
		var gb, wb []byte
		if i < len(got.heads) {
			gh, gb = got.heads[i], got.bodies[i]
		}
		if i < len(want.heads) {
			wh, wb = want.heads[i], want.bodies[i]
		}
		if gh != wh {
			fmt.Fprintf(&b, "answer %d, headers:\n%s", i+1, lineDiff(gh, wh))
		}
		if !bytes.Equal(gb, wb) {
			at := 0
			for at < len(gb) && at < len(wb) && gb[at] == wb[at] {
				at++
			}
			fmt.Fprintf(&b, "answer %d, body: shareit %d bytes, net/http %d bytes, first difference at byte %d\n"+
				"\tshareit:  %.80q\n\tnet/http: %.80q\n", i+1, len(gb), len(wb), at, gb[at:], wb[at:])
		}
	}
	if got.end != want.end {
		fmt.Fprintf(&b, "after the answers: shareit %s, net/http %s\n", got.end, want.end)
	}
	return b.String()
}

// lineDiff shows the lines of two header blocks, marking those only in
// one: "-" shareit's, "+" net/http's.
func lineDiff(got, want string) string {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for _, l := range gl {
		mark := " "
		if !slices.Contains(wl, l) {
			mark = "-"
		}
		fmt.Fprintf(&b, "\t%s %q\n", mark, l)
	}
	for _, l := range wl {
		if !slices.Contains(gl, l) {
			fmt.Fprintf(&b, "\t+ %q\n", l)
		}
	}
	return b.String()
}

// TestDifferential sends every case of the corpus to shareit's own
// listener and to a bare net/http server over the same handler, each on a
// fresh connection, and runs of them pipelined on one, and fails on any
// answer that differs. It runs twice: with the files fresh, so read from
// disk, and with the small-file cache taking them at once, so that on
// Linux the quick lane answers the plain requests for small files.
func TestDifferential(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(map[bool]string{false: "from disk", true: "from the cache"}[cached], func(t *testing.T) {
			differential(t, cached)
		})
	}
}

func differential(t *testing.T, cached bool) {
	rng := rand.New(rand.NewChaCha8(diffSeed))
	dir, files, names := diffTree(t, rng)
	cases := diffCorpus(rng, files, names)
	const runs = 40
	cases = append(cases, pipelined(rng, cases, runs, 6)...)

	shareit, reference := diffServers(t, dir, cached)
	t.Logf("%d cases, %d of them pipelined runs of 6; accelerators compiled in: %v", len(cases), runs, accel.Enabled)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed int
		next   = make(chan int)
	)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				c := cases[i]
				var got, want diffAnswer
				var pair sync.WaitGroup
				pair.Go(func() { got = exchange(shareit, c) })
				want = exchange(reference, c)
				pair.Wait()
				if d := diffReport(got, want); d != "" {
					mu.Lock()
					failed++
					if failed <= 20 {
						t.Errorf("case %d, %s\nrequest: %.300q\n%s", i, c.label, c.raw, d)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	if failed > 20 {
		t.Errorf("%d cases differ in all; the first 20 are shown", failed)
	}
}

// diffServers serves dir with one Server, through its own listener and
// through a bare http.Server, until the test ends, and returns the two
// addresses. cached: the small-file cache takes files however recently
// they changed.
func diffServers(t *testing.T, dir string, cached bool) (shareit, reference string) {
	t.Helper()
	tracker := transfer.New()
	t.Cleanup(tracker.Close)
	s, err := New(Config{Root: dir, Bind: "127.0.0.1", Version: "test", Grace: time.Second}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if cached {
		s.files.settle = 0
	}
	if _, err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ref := &http.Server{Handler: s, ErrorLog: log.New(io.Discard, "", 0)}
	go ref.Serve(ln)
	t.Cleanup(func() { ref.Close() })
	return s.Addr(), ln.Addr().String()
}
