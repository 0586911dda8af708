package fileserver

import (
	"net/http"
	"strconv"
	"strings"
)

// placement says where a tracked body sits in the file it is taken from,
// so the tracker can tell when one client's parts covered the whole file
// (transfer.Info's Offset and Whole): a 200 body is the whole file; a 206 body with a
// Content-Range ("bytes 100-199/1000") is that range of it; a multipart
// 206 cannot be placed (offset -1). A body that is not a file (a listing)
// has no whole (-1 for both), so it never counts as a file taken.
func (w *responseWriter) placement() (offset, whole int64) {
	if w.file < 0 {
		return -1, -1
	}
	if w.status != http.StatusPartialContent {
		return 0, w.file
	}
	first, total, ok := parseContentRange(w.Header().Get("Content-Range"))
	if !ok || total != w.file {
		return -1, w.file
	}
	return first, w.file
}

// parseContentRange reads "bytes FIRST-LAST/TOTAL" (RFC 9110 §14.4).
func parseContentRange(v string) (first, total int64, ok bool) {
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, size, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	from, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(from, 10, 64)
	total, err2 := strconv.ParseInt(size, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || total < 0 {
		return 0, 0, false
	}
	return first, total, true
}

// transferID is the tracked transfer the body was part of, 0 for none.
func (w *responseWriter) transferID() uint64 {
	if w.part == nil {
		return 0
	}
	return w.part.ID()
}
