//go:build linux && !portable

package accel

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

func TestParseQuick(t *testing.T) {
	t.Parallel()
	const h = "Host: test\r\n"
	for req, want := range map[string]bool{
		"GET /a.txt HTTP/1.1\r\n" + h + "\r\n":                                    true,
		"HEAD /a.txt HTTP/1.1\r\n" + h + "\r\n":                                   true,
		"GET /d/a-b_c~d.e!$&'()*+,;=:@ HTTP/1.1\r\n" + h + "\r\n":                 true,
		"GET /a HTTP/1.1\r\nhOsT:  x.example:81 \r\nConnection: Close\r\n\r\n":    true,
		"GET /a HTTP/1.1\r\nHost: [fe80::1]:80\r\nX-Any: \tv\x80\r\n\r\n":         true,
		"GET /a HTTP/1.0\r\n" + h + "\r\n":                                        false,
		"POST /a HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"get /a HTTP/1.1\r\n" + h + "\r\n":                                        false,
		"GET  /a HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"GET /a HTTP/1.1 \r\n" + h + "\r\n":                                       false,
		"GET /a HTTP/1.1\r\n\r\n":                                                 false,
		"GET /a HTTP/1.1\r\n" + h + h + "\r\n":                                    false,
		"GET /a HTTP/1.1\r\nHost: a b\r\n\r\n":                                    false,
		"GET /a HTTP/1.1\r\nHost: a@b\r\n\r\n":                                    false,
		"GET /a%2e HTTP/1.1\r\n" + h + "\r\n":                                     false,
		"GET /a?b HTTP/1.1\r\n" + h + "\r\n":                                      false,
		"GET /a#b HTTP/1.1\r\n" + h + "\r\n":                                      false,
		"GET /a/ HTTP/1.1\r\n" + h + "\r\n":                                       false,
		"GET / HTTP/1.1\r\n" + h + "\r\n":                                         false,
		"GET http://test/a HTTP/1.1\r\n" + h + "\r\n":                             false,
		"GET /a\x00 HTTP/1.1\r\n" + h + "\r\n":                                    false,
		"GET /a HTTP/1.1\r\n" + h + "Range: bytes=0-1\r\n\r\n":                    false,
		"GET /a HTTP/1.1\r\n" + h + "if-none-match: \"x\"\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: x\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "Content-Length: 0\r\n\r\n":                   false,
		"GET /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n":          false,
		"GET /a HTTP/1.1\r\n" + h + "Expect: 100-continue\r\n\r\n":                false,
		"GET /a HTTP/1.1\r\n" + h + "Upgrade: websocket\r\n\r\n":                  false,
		"GET /a HTTP/1.1\r\n" + h + "Connection: upgrade\r\n\r\n":                 false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\r\n folded\r\n\r\n":                   false,
		"GET /a HTTP/1.1\r\n" + h + "Host : x\r\n\r\n":                            false,
		"GET /a HTTP/1.1\r\n" + h + "X-A b\r\n\r\n":                               false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\x01\r\n\r\n":                          false,
		"GET /a HTTP/1.1\r\n" + h + "X-A: b\rc\r\n\r\n":                           false,
		"GET /a HTTP/1.1\n" + h + "\r\n":                                          false,
		"GET /a HTTP/1.1\r\n" + h + "\n":                                          false,
		"GET /a HTTP/1.1\r\n" + h:                                                 false,
		"GET /a HTTP/1.1\r\n" + h + "\r":                                          false,
		"GET /a HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 10) + "\r\n":           false,
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n":                                        false,
		"GET /a HTTP/1.1\r\n" + h + "\r\nGET /b HTTP/1.1\r\n" + h + "\r\n":        true, // the first; quick wants it alone
		"GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" + h + "\r\n0\r\n\r\n": false,
	} {
		if _, ok := parseQuick([]byte(req)); ok != want {
			t.Errorf("parseQuick(%q): %v, want %v", req, ok, want)
		}
	}
}

// FuzzParseQuick: what the lane takes, net/http reads the same way: the
// same method, target, host, agent, referer and wish to close, with
// nothing the lane leaves to net/http, and the same length.
func FuzzParseQuick(f *testing.F) {
	for _, s := range []string{
		"GET /a.txt HTTP/1.1\r\nHost: test\r\n\r\n",
		"HEAD /a HTTP/1.1\r\nHost: x:1\r\nUser-Agent: u\r\nReferer: r\r\nConnection: close\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nX: \t y \r\n\r\nGET /b HTTP/1.1\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, ok := parseQuick(b)
		if !ok {
			return
		}
		br := bufio.NewReader(strings.NewReader(string(b)))
		r, err := http.ReadRequest(br)
		if err != nil {
			t.Fatalf("parseQuick takes %q; net/http: %v", b, err)
		}
		method := http.MethodGet
		if q.head {
			method = http.MethodHead
		}
		if read := len(b) - br.Buffered(); read != q.n {
			t.Fatalf("%q: parseQuick read %d bytes, net/http %d", b, q.n, read)
		}
		switch {
		case r.Method != method, r.RequestURI != string(q.target), r.URL.Path != string(q.target),
			r.Host == "", r.Close != q.close, r.UserAgent() != string(q.userAgent), r.Referer() != string(q.referer),
			!plain(r), r.ContentLength != 0, len(r.TransferEncoding) != 0:
			t.Fatalf("%q: parseQuick %+v; net/http %s %q host %q close %v agent %q referer %q plain %v",
				b, q, r.Method, r.RequestURI, r.Host, r.Close, r.UserAgent(), r.Referer(), plain(r))
		}
	})
}

// plain reports whether r asks for the whole body, with no Range and no
// precondition: the requests the lane may answer with a 200.
func plain(r *http.Request) bool {
	h := r.Header
	return h["Range"] == nil && h["If-Match"] == nil && h["If-None-Match"] == nil &&
		h["If-Modified-Since"] == nil && h["If-Unmodified-Since"] == nil && h["If-Range"] == nil
}
