package fileserver_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
)

// rowRe is one row of the listing: its kind class, link and name.
var rowRe = regexp.MustCompile(`<tr class="(\w+)"><td class="n"><a href="([^"]*)">([^<]*)</a></td><td class="s">([^<]*)</td>`)

// pageRows returns the names of a listing page's rows, in order, without
// the parent row.
func pageRows(page string) []string {
	var names []string
	for _, m := range rowRe.FindAllStringSubmatch(page, -1) {
		if m[1] != "u" {
			names = append(names, html.UnescapeString(m[3]))
		}
	}
	return names
}

// TestListingSort: ?sort and ?order reorder the rows, folders always
// first; the current column says so (aria-sort), and its header link
// turns the order round while the others start over.
func TestListingSort(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"b.txt": "bb", "a.txt": "aaaa", "c.txt": "c", "d.txt": "ddd", "zdir/x": "", "adir/x": ""}
	writeTree(t, root, files)
	for i, name := range []string{"c.txt", "a.txt", "d.txt", "b.txt", "adir", "zdir"} { // oldest first
		ts := fixedTime.Add(time.Duration(i) * time.Hour)
		must(t, os.Chtimes(filepath.Join(root, name), ts, ts))
	}
	_, _, base := startServer(t, fileserver.Config{Root: root})
	tests := []struct {
		query string
		rows  []string
		col   string // the column marked sorted
		aria  string
		links map[string]string // column → its link
	}{
		{"", []string{"adir/", "zdir/", "a.txt", "b.txt", "c.txt", "d.txt"}, "n", "ascending",
			map[string]string{"n": "?sort=name&order=desc", "s": "?sort=size&order=desc", "m": "?sort=modified&order=desc"}},
		{"?sort=name&order=desc", []string{"zdir/", "adir/", "d.txt", "c.txt", "b.txt", "a.txt"}, "n", "descending",
			map[string]string{"n": "?sort=name&order=asc"}},
		{"?sort=size", []string{"adir/", "zdir/", "a.txt", "d.txt", "b.txt", "c.txt"}, "s", "descending",
			map[string]string{"s": "?sort=size&order=asc", "n": "?sort=name&order=asc"}},
		{"?sort=size&order=asc", []string{"adir/", "zdir/", "c.txt", "b.txt", "d.txt", "a.txt"}, "s", "ascending",
			map[string]string{"s": "?sort=size&order=desc"}},
		{"?sort=modified", []string{"zdir/", "adir/", "b.txt", "d.txt", "a.txt", "c.txt"}, "m", "descending",
			map[string]string{"m": "?sort=modified&order=asc"}},
		{"?sort=modified&order=asc", []string{"adir/", "zdir/", "c.txt", "a.txt", "d.txt", "b.txt"}, "m", "ascending", nil},
		{"?sort=bogus&order=sideways", []string{"adir/", "zdir/", "a.txt", "b.txt", "c.txt", "d.txt"}, "n", "ascending", nil},
	}
	thRe := regexp.MustCompile(`<th class="(\w)"( aria-sort="(\w+)")?><a href="([^"]*)">`)
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			_, body := httpDo(t, "GET", base+"/"+tc.query, nil)
			page := string(body)
			if got := pageRows(page); !slices.Equal(got, tc.rows) {
				t.Errorf("rows: got %q, want %q", got, tc.rows)
			}
			ths := thRe.FindAllStringSubmatch(page, -1)
			if len(ths) != 3 {
				t.Fatalf("got %d column headers, want 3", len(ths))
			}
			for _, th := range ths {
				col, aria, link := th[1], th[3], html.UnescapeString(th[4])
				if want := map[bool]string{true: tc.aria}[col == tc.col]; aria != want {
					t.Errorf("column %s: aria-sort %q, want %q", col, aria, want)
				}
				if want, ok := tc.links[col]; ok && link != want {
					t.Errorf("column %s: link %q, want %q", col, link, want)
				}
			}
		})
	}
}

// TestListingPage checks what the page is made of: a phone viewport,
// light and dark, breadcrumbs, archive links, an icon class per kind,
// human sizes, the version, and nothing loaded from elsewhere.
func TestListingPage(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"a b/c#d/photo.JPG": "", "a b/c#d/clip.mkv": "", "a b/c#d/song.flac": "", "a b/c#d/src.tar.gz": "",
		"a b/c#d/notes.md": "", "a b/c#d/blob": strings.Repeat("x", 1536), "a b/c#d/sub/x": "", "a b/c#d/.x": "",
	})
	_, _, base := startServer(t, fileserver.Config{Root: root, Version: "v1.2.3"})
	resp, body := httpDo(t, "GET", base+"/a%20b/c%23d/", nil)
	page := string(body)
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<meta name="color-scheme" content="light dark">`,
		`@media(prefers-color-scheme:dark)`,
		`<title>Index of /a b/c#d/</title>`,
		`<a href="/">` + html.EscapeString(filepath.Base(root)) + `</a><span class="sep">/</span><a href="/a%20b/">a b</a><span class="sep">/</span><a href="/a%20b/c%23d/">c#d</a></h1>`,
		`<a class="btn dl" href="?zip" download>.zip</a>`,
		`<a class="btn dl" href="?tgz" download>.tar.gz</a>`,
		`<tr class="u"><td class="n"><a href="../">../</a>`,
		`<footer>1 folder, 6 files, 1.5 KiB · times in UTC · shareit v1.2.3</footer>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	kinds := map[string]string{}
	for _, m := range rowRe.FindAllStringSubmatch(page, -1) {
		kinds[html.UnescapeString(m[3])] = m[1]
		if m[3] == "blob" && m[4] != "1.5 KiB" {
			t.Errorf("size of blob: got %q, want 1.5 KiB", m[4])
		}
	}
	wantKinds := map[string]string{"../": "u", "sub/": "d", "photo.JPG": "i", "clip.mkv": "v", "song.flac": "a", "src.tar.gz": "z", "notes.md": "t", "blob": "f"}
	for name, kind := range wantKinds {
		if kinds[name] != kind {
			t.Errorf("%q: icon class %q, want %q", name, kinds[name], kind)
		}
	}
	if strings.Contains(page, "<form") || strings.Contains(page, "<script") {
		t.Error("uploads are off, yet the page has a form or a script")
	}
	checkSelfContained(t, resp, page)
}

// checkSelfContained fails when a page loads anything from elsewhere, or
// runs anything its Content-Security-Policy does not name by hash.
func checkSelfContained(t *testing.T, resp *http.Response, page string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?:src|href|action)="([^"]*)"|url\(([^)]*)\)|@import`).FindAllStringSubmatch(page, -1) {
		ref := strings.Trim(m[1]+m[2], `"'`)
		if m[0] == "@import" || strings.HasPrefix(ref, "//") || strings.Contains(ref, "://") && !strings.HasPrefix(ref, "data:") {
			t.Errorf("the page loads %q from elsewhere", m[0])
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'none';") {
		t.Errorf("Content-Security-Policy: got %q, want default-src 'none' first", csp)
	}
	for _, tag := range []string{"style", "script"} {
		for _, m := range regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(page, -1) {
			sum := sha256.Sum256([]byte(m[1]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, tag+"-src") || !strings.Contains(csp, h) {
				t.Errorf("the %s element's hash %s is not in the Content-Security-Policy %q", tag, h, csp)
			}
		}
	}
}

// TestListingUploadForm: with uploads on, the page offers the form and its
// script, with the limit; the variant shown follows the live setting even
// though the folder's listing is cached.
func TestListingUploadForm(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "a"})
	srv, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, MaxUpload: 100 << 20})
	for _, on := range []bool{true, false, true} {
		srv.SetUploads(on)
		for _, query := range []string{"", "?sort=size"} { // each view is cached on its own
			resp, body := httpDo(t, "GET", base+"/"+query, nil)
			page := string(body)
			for _, want := range []string{`<form class="up" method="post" enctype="multipart/form-data" data-max="104857600" data-limit="100 MiB">`,
				`<input type="file" name="file" multiple required>`, `<small>Up to 100 MiB per upload</small>`, `<script>`} {
				if strings.Contains(page, want) != on {
					t.Errorf("uploads %t, %q: page has %q: %t", on, query, want, !on)
				}
			}
			if got := pageRows(page); !slices.Equal(got, []string{"a.txt"}) {
				t.Errorf("rows: got %q", got)
			}
			checkSelfContained(t, resp, page)
		}
	}
}

// TestErrorPagesStyled: error pages wear the listing's style (light and
// dark, the footer) and say why when shareit knows.
func TestErrorPagesStyled(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "a"})
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, MaxUpload: 10})
	tests := []struct {
		method, path string
		body         string
		status       int
		msg          string
	}{
		{"GET", "/missing", "", 404, ""},
		{"DELETE", "/a.txt", "", 405, ""},
		{"PUT", "/a.txt", "x", 409, "never replaces"},
		{"PUT", "/b.txt", "more than ten bytes", 413, "larger than this server accepts (10 B)"},
		{"PUT", "/.b.txt", "x", 400, "starting with a dot"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := send(t, tc.method, base+tc.path, strings.NewReader(tc.body), nil)
			page := string(body)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d", resp.StatusCode, tc.status)
			}
			for _, want := range []string{"@media(prefers-color-scheme:dark)", "<footer>shareit test</footer>", tc.msg} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
			checkSelfContained(t, resp, page)
		})
	}
}
