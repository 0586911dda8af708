//go:build linux && !portable

package accel

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"shareit/transfer"
)

// The quick lane. net/http spends about twice nginx's CPU on a small file
// (a goroutine per connection, a background read per request, a request
// and its header map), and on a loaded 2-core machine its 99th percentile
// is four times nginx's; a ten-line net/http server does the same
// (docs/PROFILE.md). Connections wait for their requests in the listener's
// epoll set (listener.park), and the loop that watches the set looks at
// what a connection sent before it hands it to net/http: one whole plain
// GET or HEAD that Options.Quick can answer is answered there, in one
// write, and the connection goes back to the set. Anything else goes to
// net/http with none of its bytes lost: a Range or a precondition, a query
// or an escape in the path, a body, a request not whole in one read,
// HTTP/1.0, or whatever Options.Quick turns down.

// quickMax is the most of a request the lane looks at; longer ones (big
// cookies) go to net/http.
const quickMax = 4 << 10

// quickReq is the part of a request the lane uses. Its slices point into
// the bytes it was read from.
type quickReq struct {
	head      bool // HEAD, not GET
	close     bool // Connection: close
	target    []byte
	referer   []byte
	userAgent []byte
	n         int // the request's length in bytes
}

// parseQuick reads the request at the start of b, which must hold all of
// it. False for anything but the plain form the lane answers; net/http
// then reads it, and says what is wrong with it if anything is.
func parseQuick(b []byte) (q quickReq, ok bool) {
	line, rest, ok := cutLine(b)
	if !ok {
		return q, false
	}
	if m, after, found := bytes.Cut(line, []byte(" ")); found && string(m) == http.MethodGet {
		line = after
	} else if found && string(m) == http.MethodHead {
		line, q.head = after, true
	} else {
		return q, false
	}
	target, proto, found := bytes.Cut(line, []byte(" "))
	if !found || string(proto) != "HTTP/1.1" || !plainTarget(target) {
		return q, false
	}
	q.target = target
	hosts := 0
	for {
		if line, rest, ok = cutLine(rest); !ok {
			return q, false
		}
		if len(line) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found || !token(name) {
			return q, false // also a folded line, which starts with a space
		}
		value = bytes.Trim(value, " \t")
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return q, false
			}
		}
		switch {
		case bytes.EqualFold(name, []byte("Host")):
			hosts++
			if len(value) == 0 || !onlyBytes(value, "-.:[]") {
				return q, false
			}
		case bytes.EqualFold(name, []byte("Connection")):
			switch {
			case bytes.EqualFold(value, []byte("close")):
				q.close = true
			case !bytes.EqualFold(value, []byte("keep-alive")):
				return q, false
			}
		case bytes.EqualFold(name, []byte("User-Agent")):
			if q.userAgent == nil {
				q.userAgent = value
			}
		case bytes.EqualFold(name, []byte("Referer")):
			if q.referer == nil {
				q.referer = value
			}
		case bytes.EqualFold(name, []byte("Range")),
			len(name) > 3 && bytes.EqualFold(name[:3], []byte("If-")),
			bytes.EqualFold(name, []byte("Content-Length")),
			bytes.EqualFold(name, []byte("Transfer-Encoding")),
			bytes.EqualFold(name, []byte("Expect")),
			bytes.EqualFold(name, []byte("Upgrade")):
			return q, false
		}
	}
	if hosts != 1 {
		return q, false
	}
	q.n = len(b) - len(rest)
	return q, true
}

// cutLine splits b after its first CRLF. A bare CR or LF before it, or no
// CRLF at all, is false.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexAny(b, "\r\n")
	if i < 0 || b[i] != '\r' || i+1 == len(b) || b[i+1] != '\n' {
		return nil, nil, false
	}
	return b[:i], b[i+2:], true
}

// token reports whether b is a header name (RFC 9110 §5.6.2).
func token(b []byte) bool {
	return len(b) > 0 && onlyBytes(b, "!#$%&'*+-.^_`|~")
}

// onlyBytes reports whether b holds only letters, digits and bytes of
// other.
func onlyBytes(b []byte, other string) bool {
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(other, c) >= 0) {
			return false
		}
	}
	return true
}

// plainTarget reports whether t is a path that means itself: no escapes,
// no query, no fragment, no folder (a trailing slash), only characters a
// path may hold as they are.
func plainTarget(t []byte) bool {
	return len(t) > 1 && t[0] == '/' && t[len(t)-1] != '/' && onlyBytes(t, "/-._~!$&'()*+,;=:@")
}

// answer answers req, what a read from a waking connection found, if the
// lane can; false leaves it to net/http. It runs on the loop that watches
// the set, which owns l.out.
func (l *listener) answer(p *parked, req []byte) bool {
	// One request, whole: pipelined ones go to net/http together.
	q, ok := parseQuick(req)
	if !ok || q.n != len(req) {
		return false
	}
	start := time.Now()
	// The loop's own Request: one made per answer would escape to the heap
	// through the call, an allocation each.
	l.req = Request{
		Head:      q.head,
		Close:     q.close,
		Target:    q.target,
		Referer:   q.referer,
		UserAgent: q.userAgent,
		Client:    clientOf(p),
		Start:     start,
		Date:      l.httpDate(start),
	}
	p.line = transfer.LogLine{}
	out, ok := l.o.Quick(l.out[:0], &l.req, &p.line)
	l.req = Request{} // its slices point into l.head
	if !ok {
		return false
	}
	l.out = out
	sent, _ := unix.Write(p.fd, out) // non-blocking
	sent = max(sent, 0)
	if sent == len(out) {
		l.answered(p, !q.close)
		return true
	}
	// The socket is full: the rest waits for room on a goroutine of its
	// own, which the server waits for and cuts as it does its handlers.
	if l.o.Hold == nil || !l.o.Hold(p.tc) {
		p.line.Bytes = 0
		l.answered(p, false)
		return true
	}
	go l.rest(p, bytes.Clone(out[sent:]), !q.close)
	return true
}

// rest sends what of an answer the socket had no room for, within
// Options.WriteTimeout, then goes on as the loop would have.
func (l *listener) rest(p *parked, rest []byte, keep bool) {
	if l.o.WriteTimeout > 0 {
		p.tc.SetWriteDeadline(time.Now().Add(l.o.WriteTimeout))
	}
	_, err := p.tc.Write(rest)
	p.tc.SetWriteDeadline(time.Time{})
	if l.o.Release != nil {
		l.o.Release(p.tc)
	}
	if err != nil {
		p.line.Bytes = 0 // cut short
	}
	l.answered(p, keep && err == nil)
}

// answered logs an answer sent and puts its connection back in the set,
// or closes it.
func (l *listener) answered(p *parked, keep bool) {
	p.line.Duration = time.Since(p.line.Time)
	if l.o.Answered != nil {
		l.o.Answered(&p.line)
	}
	if !keep {
		p.tc.Close()
		return
	}
	l.keep(p, time.Now().Add(l.o.IdleTimeout), time.Time{})
}

// httpDate is t as a Date header's value, formatted once a second. The
// loop's only.
func (l *listener) httpDate(t time.Time) []byte {
	if sec := t.Unix(); sec != l.dateAt || l.date == nil {
		l.date, l.dateAt = t.UTC().AppendFormat(l.date[:0], http.TimeFormat), sec
	}
	return l.date
}
