package fileserver

import (
	_ "embed"
	"net/http"
	"strconv"
	"strings"
)

// The page's resumable uploads use tus-js-client 4.3.1, its one-file
// browser bundle (dist/tus.min.js from the npm package), embedded so the
// page needs no network. Its licence and those of what it bundles are in
// docs/THIRD_PARTY.md, also served next to it.
var (
	//go:embed static/tus.min.js
	tusJS []byte
	//go:embed static/THIRD_PARTY.md
	thirdParty []byte
)

// tusJSPath is where the page loads the bundle from: under tusPrefix, so
// it never hides a shared file.
const (
	tusJSPath      = tusPrefix + "tus-js-client-4.3.1.min.js"
	thirdPartyPath = tusPrefix + "THIRD_PARTY.md"
)

// serveStatic answers GET and HEAD of the bundle and its notice; false
// for any other request.
func serveStatic(w http.ResponseWriter, r *http.Request) bool {
	var body []byte
	var ctype string
	switch r.URL.Path {
	case tusJSPath:
		body, ctype = tusJS, "text/javascript; charset=utf-8"
	case thirdPartyPath:
		body, ctype = thirdParty, "text/plain; charset=utf-8"
	default:
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "public, max-age=86400") // the name holds the version
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
	return true
}

// scriptSource is the CSP source that lets the listing load the bundle and
// nothing else from the server: a host with the bundle's exact path.
// A Host that is not a plain host[:port] gets none; the page then uploads
// through the form.
func scriptSource(host string) string {
	if host == "" || !onlyHostBytes(host) {
		return ""
	}
	return " " + host + tusJSPath
}

func onlyHostBytes(s string) bool {
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-.:[]", c) >= 0) {
			return false
		}
	}
	return true
}
