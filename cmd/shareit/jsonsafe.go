package main

import (
	"io"
	"strconv"
	"unicode/utf8"

	"shareit/transfer"
)

// safeJSON passes on what a json.Encoder writes with the characters a
// terminal acts on that encoding/json leaves raw — DEL, C1 controls
// (U+0080–U+009F, CSI among them) and bidirectional marks and overrides —
// written as \uXXXX escapes instead. The JSON means the same, and `cat` or
// `tail -f` of the file cannot drive a terminal. encoding/json has already
// escaped C0 controls and made the text valid UTF-8; these runes can only
// be inside strings, where \u escapes are always valid.
type safeJSON struct{ w io.Writer }

func (s safeJSON) Write(p []byte) (int, error) {
	var b []byte
	last := 0
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r >= 0x7f && r <= 0xffff && transfer.Printable(string(r)) != string(r) {
			if b == nil {
				b = make([]byte, 0, len(p)+32)
			}
			b = append(b, p[last:i]...)
			b = append(b, `\u`...)
			hex := strconv.FormatInt(int64(r), 16)
			b = append(b, "0000"[len(hex):]...)
			b = append(b, hex...)
			last = i + size
		}
		i += size
	}
	if b == nil {
		return s.w.Write(p)
	}
	if _, err := s.w.Write(append(b, p[last:]...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
