package fileserver

import (
	"fmt"
	"strings"
	"testing"
)

// frameReq builds one HTTP/1.1 request: a request line, header lines, then
// the body bytes as they are (already chunked when they should be).
func frameReq(line string, headers []string, body string) string {
	var b strings.Builder
	b.WriteString(line + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

var (
	frameGet       = frameReq("GET / HTTP/1.1", []string{"Host: a"}, "")
	frameHeaderish = "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
	frameSmuggle   = frameReq("POST / HTTP/1.1", []string{"Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"}, "0\r\n\r\n")
)

// frameManyChunks is a chunked body of n chunks whose size lines carry long
// extensions: lots of line bytes that are not a header block. net/http
// accepts it (the extension overhead stays within what it allows per byte
// of data).
func frameManyChunks(n int) string {
	var b strings.Builder
	ext := ";ext=" + strings.Repeat("x", 110)
	data := strings.Repeat("d", 64)
	for range n {
		fmt.Fprintf(&b, "40%s\r\n%s\r\n", ext, data)
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

var framingCases = []struct {
	name   string
	stream string
	want   bool // smuggled
}{
	{"GET", frameGet, false},
	{"Content-Length only", frameReq("POST / HTTP/1.1", []string{"Host: a", "Content-Length: 5"}, "hello"), false},
	{"Content-Length zero", frameReq("POST / HTTP/1.1", []string{"Host: a", "Content-Length: 0"}, "") + frameGet, false},
	{"Transfer-Encoding only", frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"}, "5\r\nhello\r\n0\r\n\r\n"), false},
	{"both", frameReq("POST / HTTP/1.1", []string{"Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"}, "0\r\n\r\n"), true},
	{"both, encoding first", frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked", "Content-Length: 5"}, "0\r\n\r\n"), true},
	{"both in lower case", frameReq("POST / HTTP/1.1", []string{"host: a", "content-length: 5", "transfer-encoding: chunked"}, "0\r\n\r\n"), true},
	{"both in mixed case", frameReq("GET / HTTP/1.1", []string{"Host: a", "cOnTeNt-LeNgTh:0", "tRaNsFeR-eNcOdInG:chunked"}, "0\r\n\r\n"), true},
	{"both, length zero", frameReq("POST / HTTP/1.1", []string{"Host: a", "Content-Length: 0", "Transfer-Encoding: chunked"}, "0\r\n\r\n"), true},
	{"both, bare LF line ends", "POST / HTTP/1.1\nHost: a\nContent-Length: 5\nTransfer-Encoding: chunked\n\n0\n\n", true},
	{"chunk extensions and trailers, then a request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked", "Trailer: X-Sum"},
			"5;name=value;q=\"a;b\"\r\nhello\r\n6 ; ext\r\n world\r\n0;last\r\nX-Sum: 1\r\nContent-Length: 5\r\n\r\n") + frameGet, false},
	{"chunk extensions and trailers, then a smuggled request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"},
			"5;name=value\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n") + frameSmuggle, true},
	{"pipelined requests", frameGet + frameGet + frameReq("HEAD /x HTTP/1.1", []string{"Host: a"}, "") + frameGet, false},
	{"pipelined, the third smuggled", frameGet + frameGet + frameSmuggle + frameGet, true},
	{"blank lines before a request", "\r\n\r\n" + frameGet, false},
	{"length body holding header-like text, then a request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", fmt.Sprintf("Content-Length: %d", len(frameHeaderish))}, frameHeaderish) + frameGet, false},
	{"length body holding a whole smuggled request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", fmt.Sprintf("Content-Length: %d", len(frameSmuggle))}, frameSmuggle) + frameGet, false},
	{"chunk data holding header-like text",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"},
			fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(frameHeaderish), frameHeaderish)) + frameGet, false},
	{"chunk data holding a last chunk and a smuggled request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"},
			fmt.Sprintf("%X\r\n%s\r\n0\r\n\r\n", len("0\r\n\r\n"+frameSmuggle), "0\r\n\r\n"+frameSmuggle)) + frameGet, false},
	{"names in the request line and in values",
		frameReq("GET /Transfer-Encoding:chunked?Content-Length:5 HTTP/1.1", []string{"Host: a", "X-Note: Transfer-Encoding: chunked", "Content-Length: 0"}, "") + frameGet, false},
	{"length in a trailer", frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"}, "0\r\nContent-Length: 5\r\n\r\n") + frameGet, false},
	{"many chunks with long extensions, then a request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"}, frameManyChunks(1200)) + frameGet, false},
	// Chunk-size lines are not a header block: however many there are,
	// the request after the body is still checked.
	{"many chunks with long extensions, then a smuggled request",
		frameReq("POST / HTTP/1.1", []string{"Host: a", "Transfer-Encoding: chunked"}, frameManyChunks(1200)) + frameSmuggle, true},
}

// TestFramerScan feeds each stream whole, byte by byte, and split in two at
// every boundary (at a sample of them for long streams): where net/http's
// reads happen to cut the stream must not change the verdict.
func TestFramerScan(t *testing.T) {
	for _, tc := range framingCases {
		t.Run(tc.name, func(t *testing.T) {
			s := []byte(tc.stream)
			if got := feedFramer(s); got != tc.want {
				t.Fatalf("whole: got smuggled=%v, want %v", got, tc.want)
			}
			var f framer
			got := false
			for i := range s {
				got = f.scan(s[i:i+1]) || got
			}
			if got != tc.want {
				t.Errorf("byte by byte: got smuggled=%v, want %v", got, tc.want)
			}
			step := 1
			if len(s) > 8<<10 {
				step = len(s)/997 + 1
			}
			for i := 0; i <= len(s); i += step {
				if got := feedFramer(s[:i], s[i:]); got != tc.want {
					t.Fatalf("split at %d of %d (%q | %q): got smuggled=%v, want %v",
						i, len(s), lastBytes(s[:i]), firstBytes(s[i:]), got, tc.want)
				}
			}
		})
	}
}

// TestFramerScanThreeWay splits the short streams in three at every pair
// of boundaries.
func TestFramerScanThreeWay(t *testing.T) {
	for _, tc := range framingCases {
		s := []byte(tc.stream)
		if len(s) > 600 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i <= len(s); i++ {
				for j := i; j <= len(s); j++ {
					if got := feedFramer(s[:i], s[i:j], s[j:]); got != tc.want {
						t.Fatalf("split at %d and %d: got smuggled=%v, want %v", i, j, got, tc.want)
					}
				}
			}
		})
	}
}

// TestFramerGivesUpOnHugeHeaders: a header block larger than net/http
// accepts stops the framer (net/http answers 431 and closes) without it
// keeping the block in memory.
func TestFramerGivesUpOnHugeHeaders(t *testing.T) {
	var f framer
	f.scan([]byte("GET / HTTP/1.1\r\nX-Big: " + strings.Repeat("a", 3*maxLine)))
	if f.state != done {
		t.Errorf("state: got %d, want done (%d)", f.state, done)
	}
	if len(f.line) != 0 {
		t.Errorf("framer keeps %d bytes of the line, want none", len(f.line))
	}
}

// feedFramer scans the pieces in order with one framer.
func feedFramer(pieces ...[]byte) bool {
	var f framer
	smuggled := false
	for _, p := range pieces {
		if len(p) > 0 && f.scan(p) {
			smuggled = true
		}
	}
	return smuggled
}

func lastBytes(b []byte) []byte  { return b[max(0, len(b)-20):] }
func firstBytes(b []byte) []byte { return b[:min(len(b), 20)] }
