package transfer

import "slices"

// When is a download complete? This file holds the one rule, used by
// --max-downloads and --receipt alike:
//
//   - A tracked transfer is complete when, together, its parts delivered
//     every byte of the whole they were cut from (Info.Offset, Info.Whole):
//     a plain GET sent in full; or Range requests from one client for one
//     file that ran together — a download manager's parallel parts, a part
//     it fetched again after a failure — and between them covered the file.
//     A partial Range request, a HEAD, a cut or cancelled download, and
//     parts that cover only some of the file are not complete. A resume
//     that fetches only the rest of a file after the first transfer ended
//     is a transfer of its own, and covers only the rest: not complete.
//   - A body too small to track (see LogLine.Transfer) is complete when a
//     GET was answered 200 and every byte of the file was sent.
//
// "Delivered" means handed to the kernel for the client: what a client
// that vanishes later did not read cannot be known.

// span is bytes [from, to) of a whole.
type span struct{ from, to int64 }

// coverage is what a logical transfer's parts delivered of its whole.
type coverage struct {
	whole    int64  // size of the whole; -1 when unknown
	spans    []span // delivered, sorted, merged
	mixed    bool   // parts disagreed on the size of the whole (the file changed)
	unplaced bool   // a part could not be placed in the whole
}

// wholeOf is the size of the whole a part described by info is cut from.
func wholeOf(info Info) int64 {
	if info.Whole != 0 {
		return info.Whole
	}
	return info.Size
}

// join notes one more part, cut from a whole of the given size.
func (c *coverage) join(whole int64) {
	if whole != c.whole {
		c.mixed = true
	}
}

// add records that bytes [offset, offset+n) were delivered. An offset of -1
// is a part that cannot be placed (a multipart/byteranges body).
func (c *coverage) add(offset, n int64) {
	if offset < 0 {
		c.unplaced = true
		return
	}
	if n <= 0 {
		return
	}
	s := span{offset, offset + n}
	i, _ := slices.BinarySearchFunc(c.spans, s, func(a, b span) int {
		switch {
		case a.from < b.from:
			return -1
		case a.from > b.from:
			return 1
		}
		return 0
	})
	c.spans = slices.Insert(c.spans, i, s)
	merged := c.spans[:1]
	for _, s := range c.spans[1:] {
		last := &merged[len(merged)-1]
		if s.from <= last.to {
			last.to = max(last.to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	c.spans = merged
}

// complete applies the rule above. clean means every part moved all its
// bytes without an error.
func (c *coverage) complete(clean bool) bool {
	switch {
	case c.mixed:
		return false
	case c.whole <= 0:
		// A body of unknown size (a streamed archive) or an empty one: its
		// bytes cannot be checked, so it is whole when nothing went wrong.
		return clean && !c.unplaced
	}
	return len(c.spans) == 1 && c.spans[0].from == 0 && c.spans[0].to >= c.whole
}

// ID is the ID of the logical transfer this part belongs to: the
// Snapshot.ID its events carry.
func (p *Part) ID() uint64 { return p.x.id }

// Complete reports whether this request delivered a whole file in a body
// too small to be tracked: a GET answered 200 that sent every byte of the
// file. A tracked body (Transfer != 0) is judged by its transfer's
// Snapshot.Complete instead, once for all its parts.
func (l *LogLine) Complete() bool {
	return l.Transfer == 0 && l.Method == "GET" && l.Status == 200 &&
		l.File >= 0 && l.Bytes == l.File
}
