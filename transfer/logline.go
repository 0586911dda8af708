package transfer

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// LogLine is one request, as shareit logs it: the Common Log Format that
// python -m http.server users know, extended like the Combined format with
// referer and user agent, and with the request's duration.
type LogLine struct {
	Time      time.Time // when the request arrived
	Client    string    // remote IP address
	User      string    // authenticated user, "" for none
	Method    string
	URI       string // the request target as the client sent it
	Proto     string
	Status    int
	Bytes     int64 // body bytes written
	Referer   string
	UserAgent string
	Duration  time.Duration
	// Transfer is the ID of the tracked transfer that carried the body, 0
	// when the body was too small to track; File is the size of the file
	// the request was for, -1 when it was not for a file (a listing, an
	// error page). Together they say whether a file was taken whole (see
	// Complete); neither is part of the log line's text.
	Transfer uint64
	File     int64
	// Note says what was wrong with a request refused before any handler
	// ran (net/http's reason, escaped when shown), or that a flood of them
	// was summarised; "" for a request a handler answered. Status is 0 when
	// nothing was sent (the client hung up mid-request).
	Note string
}

const clfTime = "02/Jan/2006:15:04:05 -0700"

// AppendText appends the line, without a newline, to b:
//
//	192.168.1.7 - - [21/Nov/2026:08:36:17 +0000] "GET /a.iso HTTP/1.1" 200 1048576 "-" "curl/8.5.0" 1.204s
//
// Every field a client controls is escaped, so no control character reaches
// a terminal or a log file raw.
func (l *LogLine) AppendText(b []byte) ([]byte, error) {
	b = appendField(b, l.Client)
	b = append(b, " - "...)
	b = appendField(b, l.User)
	b = append(b, " ["...)
	b = l.Time.AppendFormat(b, clfTime)
	b = append(b, "] \""...)
	b = appendEscaped(b, l.Method, true)
	b = append(b, ' ')
	b = appendEscaped(b, l.URI, true)
	b = append(b, ' ')
	b = appendEscaped(b, l.Proto, true)
	b = append(b, "\" "...)
	if l.Status > 0 {
		b = strconv.AppendInt(b, int64(l.Status), 10)
	} else {
		b = append(b, '-')
	}
	b = append(b, ' ')
	if l.Bytes > 0 {
		b = strconv.AppendInt(b, l.Bytes, 10)
	} else {
		b = append(b, '-')
	}
	b = append(b, " \""...)
	b = appendField(b, l.Referer)
	b = append(b, "\" \""...)
	b = appendField(b, l.UserAgent)
	b = append(b, "\" "...)
	b = appendDuration(b, l.Duration)
	if l.Note != "" {
		b = append(b, " refused: "...)
		b = appendEscaped(b, l.Note, false)
	}
	return b, nil
}

func (l *LogLine) String() string {
	b, _ := l.AppendText(make([]byte, 0, 192))
	return string(b)
}

// appendField writes s escaped, or "-" when empty.
func appendField(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return appendEscaped(b, s, true)
}

// appendDuration writes seconds with millisecond precision: "0.004s".
func appendDuration(b []byte, d time.Duration) []byte {
	ms := d.Milliseconds()
	b = strconv.AppendInt(b, ms/1000, 10)
	b = append(b, '.')
	frac := ms % 1000
	if frac < 100 {
		b = append(b, '0')
	}
	if frac < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, frac, 10)
	return append(b, 's')
}

// Printable returns s with every character a terminal would act on escaped:
// C0 and C1 controls, DEL, bidirectional overrides, invalid UTF-8, and the
// backslash that starts an escape. Text that needs none is returned as is.
func Printable(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size) {
			return string(appendEscaped(make([]byte, 0, len(s)+8), s, false))
		}
		i += size
	}
	return s
}

// appendEscaped appends s with unsafe characters as \xHH or \u{HHHH} and
// '\' doubled, like Apache's log escaping; with quote, '"' becomes \" too.
func appendEscaped(b []byte, s string, quote bool) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '\\' && (c != '"' || !quote) {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
			size = 1
		case unsafeRune(r, size):
			b = append(b, `\u{`...)
			b = strconv.AppendInt(b, int64(r), 16)
			b = append(b, '}')
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// unsafeRune reports whether r must not reach a terminal as it is.
func unsafeRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return true
	case r < 0x20, r == 0x7f, r == '\\':
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls, CSI among them
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidi marks and overrides reorder what follows
	}
	return false
}
