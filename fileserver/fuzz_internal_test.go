package fileserver

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"shareit/transfer"
)

// Fuzz targets for what turns client input into paths, names and pages.
// `make test` runs each briefly and `make fuzz` for longer; the seeds in
// testdata/fuzz/<Target>/ run as regular tests on every `go test`.

// FuzzClean: whatever the URL path, clean gives a path that stays in the
// root, names no dotfile unless Hidden, and is its own clean form — or a
// 400 or a 404.
func FuzzClean(f *testing.F) {
	for _, p := range []string{"/", "/a.txt", "/sub/file.txt", "/../secret", "/sub/../../x", "/.env", "/a/.git/config",
		"//x", "///", "/a\\..\\b", "/\x00", "/./a", "/a/./b/", "a", "", "/...", "/..a", "/a..", "/ ./x", "/%2e%2e"} {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, p string, hidden bool) {
		s := &Server{cfg: Config{Hidden: hidden}}
		rel, status := s.clean(p)
		switch status {
		case 0:
		case 400, 404:
			if rel != "" {
				t.Errorf("clean(%q): got status %d with path %q, want no path", p, status, rel)
			}
			return
		default:
			t.Fatalf("clean(%q): got status %d, want 0, 400 or 404", p, status)
		}
		if rel == "." {
			return
		}
		if !filepath.IsLocal(rel) || path.Clean(rel) != rel || strings.ContainsAny(rel, "\x00\\") {
			t.Fatalf("clean(%q) = %q: not a clean local path", p, rel)
		}
		for part := range strings.SplitSeq(rel, "/") {
			if part == "" || part == "." || part == ".." {
				t.Fatalf("clean(%q) = %q: element %q", p, rel, part)
			}
			if part[0] == '.' && !hidden {
				t.Fatalf("clean(%q) = %q: names a dotfile without Hidden", p, rel)
			}
		}
		const root = "/srv/share"
		if j := filepath.Join(root, rel); !strings.HasPrefix(j, root+"/") {
			t.Fatalf("clean(%q) = %q: joined to %s it is %s, outside", p, rel, root, j)
		}
		if again, st := s.clean("/" + rel); st != 0 || again != rel {
			t.Errorf("clean(%q) = %q, but clean(%q) = %q, %d", p, rel, "/"+rel, again, st)
		}
	})
}

// FuzzUploadName: a name that uploadName accepts is one file name, in
// valid UTF-8, with nothing a terminal would act on, no dotfile unless
// Hidden, and it cleans to itself (a PUT checks that).
func FuzzUploadName(f *testing.F) {
	for _, n := range []string{"report.pdf", "a/b/c.txt", `C:\Users\x\photo.jpg`, "..", ".", "", " ", ".env", "x\x00y",
		"evil\x1b[31m.txt", "bidi\u202etxt.exe", "arabic\u061cmark", "\u2066iso\u2069", "c1\u009bx", "\xff\xfe.bin",
		strings.Repeat("n", 300), " spaced name.txt ", "tab\tname", "new\nline"} {
		f.Add(n, false)
		f.Add(n, true)
	}
	f.Fuzz(func(t *testing.T, raw string, hidden bool) {
		s := &Server{cfg: Config{Hidden: hidden}}
		name, msg := s.uploadName(raw)
		if msg != "" {
			if name != "" {
				t.Errorf("uploadName(%q): refused (%q) but named %q", raw, msg, name)
			}
			return
		}
		switch {
		case name == "", name == ".", name == "..":
			t.Fatalf("uploadName(%q) = %q: not a file name", raw, name)
		case strings.ContainsAny(name, "/\\\x00"), filepath.Base(name) != name, !filepath.IsLocal(name):
			t.Fatalf("uploadName(%q) = %q: more than one path element", raw, name)
		case name[0] == '.' && !hidden:
			t.Fatalf("uploadName(%q) = %q: a dotfile without Hidden", raw, name)
		case len(name) > 255:
			t.Fatalf("uploadName(%q) = %q: %d bytes, over 255", raw, name, len(name))
		case !utf8.ValidString(name):
			t.Fatalf("uploadName(%q) = %q: not valid UTF-8", raw, name)
		case strings.TrimSpace(name) != name:
			t.Fatalf("uploadName(%q) = %q: spaces around it", raw, name)
		}
		// Nothing a terminal acts on: what Printable would escape (it also
		// escapes '\', which cannot be left here).
		if p := transfer.Printable(name); p != name {
			t.Fatalf("uploadName(%q) = %q: holds characters a terminal acts on (%s)", raw, name, p)
		}
		if again, msg := s.uploadName(name); msg != "" || again != name {
			t.Errorf("uploadName(%q) = %q, but uploadName(%q) = %q, %q", raw, name, name, again, msg)
		}
	})
}

// fuzzEntries makes listing entries as readDir does, from up to three
// names packed in one string ("/" separates them: no file name holds one).
func fuzzEntries(names string, size int64, sec int64, dirs uint8, base string) []entry {
	var entries []entry
	for i, name := range strings.SplitN(names, "/", 3) {
		if name == "" || strings.IndexByte(name, 0) >= 0 {
			continue
		}
		e := entry{Name: name, Size: max(size, 0), Dir: dirs&(1<<i) != 0,
			ModTime: time.Unix(sec%(1<<35), 0).UTC()}
		e.URL = base + pathEscape(name)
		if e.Dir {
			e.Size = 0
			e.URL += "/"
		}
		entries = append(entries, e)
	}
	return entries
}

// pageTags and pageAttrs are the elements and attributes shareit's pages
// are made of; anything else in a page came from a name.
var (
	pageTags = strings.Fields(`html head meta link title style body header h1 span a nav form p label input button
		small ul table thead tr th tbody td footer script`)
	pageAttrs = strings.Fields(`lang charset name content rel href class aria-label download method enctype data-max
		data-limit type multiple required hidden colspan aria-sort src`)
)

// FuzzListingPage: whatever the names, the page parses as HTML (with the
// real parser) into shareit's own elements and attributes only, each row's
// link and text give back the name, and the title and breadcrumbs show the
// folder's path.
func FuzzListingPage(f *testing.F) {
	f.Add("a.txt/b/c", "docs", "shared", int64(10), int64(0), uint8(2), false)
	f.Add(`"><script>alert(1)</script>/<img src=x onerror=alert(1)>/&amp;`, `"><b>`, `</title><script>`, int64(1), int64(1e9), uint8(1), true)
	f.Add("evil\x1b[31m\x07/bidi\u202egpj.exe/\xff\xfe", "c1\u009b", "\u2066", int64(1<<40), int64(-5), uint8(0), true)
	f.Add("javascript:alert(1)/a:b/'single'", "x y", "root", int64(0), int64(0), uint8(4), false)
	f.Fuzz(func(t *testing.T, names, sub, rootName string, size, sec int64, dirs uint8, uploads bool) {
		rel := "."
		if sub != "" && !strings.ContainsAny(sub, "/\x00") && sub != "." && sub != ".." {
			rel = "docs/" + sub
		}
		if strings.ContainsAny(rootName, "/\x00") || rootName == "" || rootName == "." || rootName == ".." {
			rootName = "shared"
		}
		base := "/"
		if rel != "." {
			base = "/docs/" + pathEscape(sub) + "/"
		}
		entries := fuzzEntries(names, size, sec, dirs, base)
		s := &Server{cfg: Config{Version: "fuzz", MaxUpload: size}}
		page, err := s.renderListing(&folder{dir: "/srv/" + rootName}, rel, entries, view{uploads: uploads})
		if err != nil {
			t.Fatalf("renderListing: %v", err)
		}
		doc, err := html.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatalf("page does not parse: %v\n%s", err, page)
		}
		var title string
		var crumbs, rows [][2]string // text, href
		var walk func(n *html.Node, in string)
		walk = func(n *html.Node, in string) {
			if n.Type == html.ElementNode {
				if !slices.Contains(pageTags, n.Data) {
					t.Fatalf("page holds a <%s> element, which shareit never writes:\n%s", n.Data, page)
				}
				for _, a := range n.Attr {
					if !slices.Contains(pageAttrs, a.Key) || a.Namespace != "" {
						t.Fatalf("<%s> has attribute %q, which shareit never writes:\n%s", n.Data, a.Key, page)
					}
					if a.Key == "src" && (n.Data != "script" || a.Val != tusJSPath) {
						t.Fatalf("<%s src=%q>: the only source shareit writes is the tus bundle's:\n%s", n.Data, a.Val, page)
					}
				}
				switch {
				case n.Data == "title":
					title = text(n)
				case n.Data == "h1", n.Data == "tbody", n.Data == "td" && attr(n, "class") == "n":
					in = n.Data
				case n.Data == "a" && in == "h1":
					crumbs = append(crumbs, [2]string{text(n), attr(n, "href")})
				case n.Data == "a" && in == "td":
					rows = append(rows, [2]string{text(n), attr(n, "href")})
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, in)
			}
		}
		walk(doc, "")

		wantTitle := "Index of /"
		wantCrumbs := [][2]string{{displayName(rootName), "/"}}
		var wantRows [][2]string
		if rel != "." {
			wantTitle += displayName(rel) + "/"
			wantCrumbs = append(wantCrumbs, [2]string{"docs", "/docs/"}, [2]string{displayName(sub), base})
			wantRows = append(wantRows, [2]string{"../", "../"})
		}
		for _, e := range entries {
			slash := ""
			if e.Dir {
				slash = "/"
			}
			wantRows = append(wantRows, [2]string{displayName(e.Name) + slash, "./" + pathEscape(e.Name) + slash})
		}
		if title != wantTitle {
			t.Errorf("title: got %q, want %q", title, wantTitle)
		}
		if !slices.Equal(crumbs, wantCrumbs) {
			t.Errorf("breadcrumbs: got %q, want %q", crumbs, wantCrumbs)
		}
		if !slices.Equal(rows, wantRows) {
			t.Errorf("rows: got %q, want %q", rows, wantRows)
		}
		// Every link leads back to its name, byte for byte.
		for i, e := range entries {
			href := wantRows[len(wantRows)-len(entries)+i][1]
			got, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(href, "./"), "/"))
			if err != nil || got != e.Name {
				t.Errorf("link %q: unescapes to %q (%v), want %q", href, got, err, e.Name)
			}
		}
	})
}

// FuzzListingJSON: the JSON listing parses to what encoding/json makes of
// the same entries, holds no raw control character nor anything HTML
// would act on, and its url gives back every byte of a name.
func FuzzListingJSON(f *testing.F) {
	f.Add("a.txt/b/c", int64(10), int64(0), uint8(2))
	f.Add("q\"uote/back\\slash/<&>", int64(-1), int64(1e9), uint8(0))
	f.Add("\x00\x1f\x7f/\xff\xfe\xc0\xaf/\u2028\u2029\u202e", int64(1<<62), int64(-1e9), uint8(7))
	f.Fuzz(func(t *testing.T, names string, size, sec int64, dirs uint8) {
		// NUL cannot be in a file name; the encoder must still cope.
		entries := fuzzEntries(strings.ReplaceAll(names, "\x00", "\x01"), size, sec, dirs, "/d/")
		if entries == nil {
			entries = []entry{} // as readDir makes them: an empty folder is [], not null
		}
		got := appendJSON(nil, entries)
		want, err := json.Marshal(entries)
		if err != nil {
			t.Fatal(err)
		}
		checkJSON(t, got, want)
		var back []struct{ Name, URL string }
		if err := json.Unmarshal(got, &back); err != nil || len(back) != len(entries) {
			t.Fatalf("JSON does not parse back: %v\n%s", err, got)
		}
		for i, e := range entries {
			if utf8.ValidString(e.Name) && back[i].Name != e.Name {
				t.Errorf("name: got %q, want %q", back[i].Name, e.Name)
			}
			name, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(back[i].URL, "/d/"), "/"))
			if err != nil || name != e.Name {
				t.Errorf("url %q: unescapes to %q (%v), want %q", back[i].URL, name, err, e.Name)
			}
		}
		// A string on its own, as the upload answer writes them.
		for _, e := range entries {
			want, _ := json.Marshal(e.Name)
			checkJSON(t, appendJSONString(nil, e.Name), want)
		}
	})
}

// checkJSON checks that got is valid JSON with the value of want (what
// encoding/json wrote), and that it holds no raw control character, line
// or paragraph separator, nor <, > or & (encoding/json's HTML safety).
func checkJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if i := bytes.IndexFunc(got, func(r rune) bool {
		return r < 0x20 && r != '\n' || r == '\u2028' || r == '\u2029' || r == '<' || r == '>' || r == '&' || r == utf8.RuneError
	}); i >= 0 {
		t.Fatalf("raw %q at byte %d of %s", got[i:min(i+3, len(got))], i, got)
	}
}

// text is the text inside n, entities decoded.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
