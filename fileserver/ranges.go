package fileserver

import (
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// dropEmptySuffixes removes the zero-length suffix ranges ("bytes=-0") from
// r's Range header before http.ServeContent reads it. net/http answers
// "bytes=-0" with a 206 of no bytes and the impossible Content-Range
// "bytes SIZE-(SIZE-1)/SIZE"; RFC 9110 §14.1.1 calls such a range
// unsatisfiable. When nothing else is asked for, the header becomes one
// range past the end, which net/http answers with 416 and "bytes */SIZE"
// (and If-Range still applies). Anything else is left to net/http as is.
func dropEmptySuffixes(r *http.Request, size int64) {
	h := r.Header.Get("Range")
	specs, ok := strings.CutPrefix(h, "bytes=")
	if !ok || !strings.Contains(specs, "-") {
		return
	}
	kept, dropped := make([]string, 0, 4), false
	for spec := range strings.SplitSeq(specs, ",") {
		start, end, _ := strings.Cut(textproto.TrimString(spec), "-")
		start, end = textproto.TrimString(start), textproto.TrimString(end)
		// As net/http reads a suffix length: a number, "+0" included.
		if n, err := strconv.ParseInt(end, 10, 64); start == "" && end != "" && end[0] != '-' && err == nil && n == 0 {
			dropped = true
			continue
		}
		kept = append(kept, spec)
	}
	switch {
	case !dropped:
	case strings.TrimSpace(strings.Join(kept, "")) == "":
		r.Header.Set("Range", "bytes="+strconv.FormatInt(size, 10)+"-")
	default:
		r.Header.Set("Range", "bytes="+strings.Join(kept, ","))
	}
}
