package fileserver

import (
	"strconv"
	"unicode/utf8"
)

// appendJSON encodes a listing as a JSON array, as encoding/json would
// (invalid UTF-8 becomes U+FFFD; the url field keeps every byte), without
// its reflection: a 10,000-entry folder is a hot path.
func appendJSON(b []byte, entries []entry) []byte {
	b = append(b, '[')
	for i := range entries {
		e := &entries[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendJSONString(b, e.Name)
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, e.Size, 10)
		b = append(b, `,"modified":"`...)
		b = e.ModTime.AppendFormat(b, "2006-01-02T15:04:05.999999999Z07:00")
		b = append(b, `","dir":`...)
		b = strconv.AppendBool(b, e.Dir)
		b = append(b, `,"url":`...)
		b = appendJSONString(b, e.URL)
		b = append(b, '}')
	}
	return append(b, "]\n"...)
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hex[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
