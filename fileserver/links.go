package fileserver

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"shareit/transfer"
)

// Limited links: /~l/TOKEN/NAME reaches one file, or one folder as a .zip,
// and nothing else, for a number of downloads and/or a while. The token
// is the credential: a link works without the password or the secret link,
// and a device waiting under --ask, or a drop box visitor, may use one. A
// blocked client may not. Every GET of it is one download, a part (Range)
// too, so that a used-up link cannot be read in pieces; HEAD is free.

// maxLinks bounds the links kept, live or ended.
const maxLinks = 256

// Link is one limited link, as the person at the terminal sees it.
type Link struct {
	Token   string    // the credential in its URL
	Path    string    // what it reaches, as a URL path: "/docs/a.pdf", "/photos/"
	URL     string    // the whole link, on the first address shareit is reached at
	Max     int       // downloads allowed; 0 = any number
	Uses    int       // downloads so far
	Expires time.Time // zero: never
	Created time.Time
	Revoked bool
	Removed bool // what it reaches is no longer shared (as Links tells)
}

// State is "live", "used up", "expired", "revoked" or "removed" at now.
func (l Link) State(now time.Time) string {
	switch {
	case l.Revoked:
		return "revoked"
	case l.Max > 0 && l.Uses >= l.Max:
		return "used up"
	case !l.Expires.IsZero() && !now.Before(l.Expires):
		return "expired"
	case l.Removed:
		return "removed"
	}
	return "live"
}

type limitedLink struct {
	Link
	folder *folder // the item it was made in: it works while that is shared
	rel    string  // in folder; "" for the folder itself
	dir    bool
}

type links struct {
	mu    sync.Mutex
	m     map[[32]byte]*limitedLink // by the token's digest: a lookup leaks nothing of the token
	order []*limitedLink
}

// NewLink makes a link to p, a file or folder in what is shared (an
// absolute path, or relative to a folder shared alone), for at most
// maxDownloads downloads (0: any number) and for ttl (0: no end). Its
// errors are one line for people. Logged.
func (s *Server) NewLink(p string, maxDownloads int, ttl time.Duration) (Link, error) {
	top := s.root.Load()
	abs := p
	if !filepath.IsAbs(abs) && !top.virtual() {
		abs = filepath.Join(top.dir, p)
	}
	abs, err := filepath.Abs(abs)
	if err != nil {
		return Link{}, err
	}
	f, rel, ok := top.itemAt(abs)
	if !ok {
		return Link{}, fmt.Errorf("%s is not in what is shared", p)
	}
	return s.newLink(f, filepath.ToSlash(rel), p, maxDownloads, ttl)
}

// NewLinkAt is NewLink for the escaped URL path u of a file or folder, as
// the TUI's browser lists it: found through the same cleaning and
// confinement as a request for u.
func (s *Server) NewLinkAt(u string, maxDownloads int, ttl time.Duration) (Link, error) {
	p, f, rel, top, ok := s.locateURL(u)
	switch {
	case !ok:
		return Link{}, fmt.Errorf("%s is not shared", u)
	case top:
		return Link{}, errors.New("a link reaches one file or folder: pick one of those shared")
	}
	return s.newLink(f, rel, p, maxDownloads, ttl)
}

// newLink makes a link to rel (slashed; "." for the top) in the item f;
// p names it in errors.
func (s *Server) newLink(f *folder, rel, p string, maxDownloads int, ttl time.Duration) (Link, error) {
	if maxDownloads < 0 || ttl < 0 {
		return Link{}, errors.New("a limit cannot be negative")
	}
	if rel == "." {
		rel = ""
	}
	urlPath := "/" + rel
	if rel != "" {
		if _, status := s.clean(urlPath); status != 0 {
			return Link{}, fmt.Errorf("%s is not shared (hidden, or a name shareit does not serve)", p)
		}
	}
	if f.name != "" { // an item of several: its path says which
		urlPath = "/" + f.name
		if f.file == "" {
			urlPath += "/" + rel
		}
	}
	fi, err := s.statFile(f, cmp.Or(rel, "."))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Link{}, fmt.Errorf("%s: no such file or folder in the share", p)
	case err != nil:
		return Link{}, fmt.Errorf("%s: cannot be shared", p)
	case !fi.IsDir() && !fi.Mode().IsRegular():
		return Link{}, fmt.Errorf("%s: not a file or folder", p)
	}
	if fi.IsDir() && !strings.HasSuffix(urlPath, "/") {
		urlPath += "/"
	}
	now := time.Now()
	l := &limitedLink{folder: f, rel: rel, dir: fi.IsDir()}
	l.Token, l.Path, l.Max, l.Created = newToken(), urlPath, maxDownloads, now
	if ttl > 0 {
		l.Expires = now.Add(ttl)
	}
	l.URL = s.linkURL(l)
	ls := &s.links
	ls.mu.Lock()
	if len(ls.order) >= maxLinks && !ls.dropEnded(now) {
		ls.mu.Unlock()
		return Link{}, fmt.Errorf("too many links (%d): revoke some first", maxLinks)
	}
	if ls.m == nil {
		ls.m = map[[32]byte]*limitedLink{}
	}
	out := l.Link // l changes under ls.mu from now on
	ls.m[sha256.Sum256([]byte(l.Token))] = l
	ls.order = append(ls.order, l)
	ls.mu.Unlock()
	s.tracker.Access("", transfer.ActionLink, "link made to "+urlPath+" ("+limitText(out)+"): "+redact(out.URL))
	return out, nil
}

// dropEnded forgets the links that can no longer be used, and reports
// whether that made room. ls.mu must be held.
func (ls *links) dropEnded(now time.Time) bool {
	ls.order = slices.DeleteFunc(ls.order, func(l *limitedLink) bool {
		if l.State(now) == "live" {
			return false
		}
		delete(ls.m, sha256.Sum256([]byte(l.Token)))
		return true
	})
	return len(ls.order) < maxLinks
}

// limitText is "1 download, until 15:04", "any number of downloads".
func limitText(l Link) string {
	var parts []string
	switch l.Max {
	case 0:
	case 1:
		parts = append(parts, "1 download")
	default:
		parts = append(parts, strconv.Itoa(l.Max)+" downloads")
	}
	if !l.Expires.IsZero() {
		parts = append(parts, "until "+l.Expires.Format("15:04:05"))
	}
	if len(parts) == 0 {
		return "no limit"
	}
	return strings.Join(parts, ", ")
}

// linkURL is l's URL on the first address shareit is reached at; the name
// at its end is what a browser saves it as.
func (s *Server) linkURL(l *limitedLink) string {
	base := "/"
	if urls := s.AddrURLs(); len(urls) > 0 {
		base = urls[0].URL
	}
	name := path.Base("/" + l.rel)
	if l.rel == "" {
		name = filepath.Base(l.folder.dir)
	}
	if l.dir {
		name += ".zip"
	}
	return base + linkPrefix[1:] + l.Token + "/" + url.PathEscape(name)
}

// Links lists the links made, the oldest first.
func (s *Server) Links() []Link {
	ls := &s.links
	ls.mu.Lock()
	defer ls.mu.Unlock()
	top := s.root.Load()
	out := make([]Link, len(ls.order))
	for i, l := range ls.order {
		out[i] = l.Link
		out[i].Removed = top.sharing(l.folder) == nil
	}
	return out
}

// RevokeLink ends the link with token at once. It reports whether there
// was a live one. Logged.
func (s *Server) RevokeLink(token string) bool {
	ls := &s.links
	ls.mu.Lock()
	l := ls.m[sha256.Sum256([]byte(token))]
	live := l != nil && l.State(time.Now()) == "live"
	if live {
		l.Revoked = true
	}
	ls.mu.Unlock()
	if live {
		s.tracker.Access("", transfer.ActionLink, "link to "+l.Path+" revoked ("+redactToken(token)+")") // Path never changes
	}
	return live
}

// admitLink answers or lets through a request to /~l/TOKEN...: it returns
// the request to serve (for the link's file, or its folder as a .zip) and
// the folder to serve it from, or nil when it has answered.
func (s *Server) admitLink(w *responseWriter, r *http.Request, rest string) (*http.Request, *folder) {
	token, _, _ := strings.Cut(rest, "/")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.error(w, r, http.StatusMethodNotAllowed)
		return nil, nil
	}
	now := time.Now()
	key := failKey(w.client)
	if wait := s.access.fails.blocked(key, now); wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		s.error(w, r, http.StatusTooManyRequests)
		return nil, nil
	}
	ls := &s.links
	ls.mu.Lock()
	l := ls.m[sha256.Sum256([]byte(token))]
	state, usedUp := "", false
	var from *folder
	if l != nil {
		state = l.State(now)
		// An item removed (R) or a folder left (d) takes its links along.
		if from = s.root.Load().sharing(l.folder); from == nil && state == "live" {
			state = "removed"
		}
		if state == "live" && r.Method == http.MethodGet {
			l.Uses++
			usedUp = l.Max > 0 && l.Uses == l.Max
		}
	}
	var lc limitedLink
	if l != nil {
		lc = *l
	}
	ls.mu.Unlock()
	switch state {
	case "":
		if s.failed(w, r, key, now) {
			s.errorMessage(w, r, http.StatusNotFound, "There is no such link. It may have been mistyped.")
		}
		return nil, nil
	case "used up":
		s.errorMessage(w, r, http.StatusGone, "This link has been used up: it was for "+limitText(Link{Max: lc.Max})+". Ask for a new one.")
		return nil, nil
	case "expired":
		s.errorMessage(w, r, http.StatusGone, "This link has expired. Ask for a new one.")
		return nil, nil
	case "revoked":
		s.errorMessage(w, r, http.StatusGone, "This link was withdrawn by the person sharing. Ask for a new one.")
		return nil, nil
	case "removed":
		s.errorMessage(w, r, http.StatusNotFound, "What this link reached is no longer shared. Ask for a new link.")
		return nil, nil
	}
	if usedUp {
		s.tracker.Access(w.client, transfer.ActionLink, "link to "+lc.Path+" used up by "+w.client+" ("+limitText(Link{Max: lc.Max})+")")
	}
	var r2 *http.Request
	if lc.dir {
		r2 = withPath(r, strings.TrimSuffix("/"+lc.rel, "/")+"/")
		r2.URL.RawQuery = "zip"
	} else {
		r2 = withPath(r, "/"+lc.rel)
		r2.URL.RawQuery = ""
	}
	return r2, from
}

// sharing is the item of the share top on the same path as f, which a
// link was made in, or nil when that is no longer shared. It is found by
// path, as adding beside a folder shared alone makes a new item of it.
func (top *folder) sharing(f *folder) *folder {
	items := top.items
	if items == nil && top.root != nil {
		items = []*folder{top}
	}
	for _, it := range items {
		if it.dir == f.dir && it.file == f.file {
			return it
		}
	}
	return nil
}
