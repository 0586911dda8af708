package fileserver_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"shareit/fileserver"
)

// oddNames are file names that break naive links: URL syntax, things that
// look like escapes or schemes, HTML syntax, non-ASCII, bytes that are not
// UTF-8, control characters.
var oddNames = []string{
	"with space.txt",
	"100%.txt",
	"50% off.txt",
	"%41.txt",
	"%2e%2e.txt",
	"#hash.txt",
	"what?.txt",
	"a&b.txt",
	"a+b.txt",
	"semi;colon.txt",
	"a:b.txt",
	"javascript:alert(1)",
	"http:",
	"café ☕.txt",
	"bad\xff.txt",
	"comma,eq=at@.txt",
	`'single' "double".txt`,
	"tab\tnew\nline.txt",
	"~tilde-dash.txt",
	"[brackets]{braces}.txt",
	"<img src=x onerror=alert(1)>.txt",
	`"><svg onload=alert(1)>.txt`,
}

// oddTree is a folder of odd names, two levels deep. The folder
// "<script>alert(1)<" holds "script>.txt", so one URL path reads
// "/<script>alert(1)</script>.txt".
func oddTree() map[string]string {
	files := map[string]string{}
	for _, dir := range []string{"", "sub dir #1?/", "<script>alert(1)</", "100% ☕;&/"} {
		names := oddNames
		if dir != "" {
			names = []string{"x&y;z.txt", "café ☕.txt", "bad\xfe.txt", "script>.txt", "a:b.txt"}
		}
		for _, name := range names {
			files[dir+name] = "content of " + dir + name + "\n"
		}
	}
	return files
}

var linkRe = regexp.MustCompile(`<td class="n"><a href="([^"]*)">([^<]*)</a>`)

// TestListingLinks follows every link of every folder page and checks it
// leads to the file it names, with that file's exact content.
func TestListingLinks(t *testing.T) {
	root := t.TempDir()
	files := oddTree()
	writeTree(t, root, files)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	reached := map[string]bool{}
	var walk func(pageURL *url.URL, dir string)
	walk = func(pageURL *url.URL, dir string) {
		resp, body := httpDo(t, "GET", pageURL.String(), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got status %d, want 200", pageURL, resp.StatusCode)
		}
		page := string(body)
		for _, bad := range []string{"<script", "<img", "<svg"} {
			if strings.Contains(page, bad) {
				t.Errorf("page %s holds %q unescaped", pageURL, bad)
			}
		}
		for _, m := range linkRe.FindAllStringSubmatch(page, -1) {
			href, text := html.UnescapeString(m[1]), html.UnescapeString(m[2])
			if href == "../" {
				continue
			}
			ref, err := url.Parse(href)
			if err != nil {
				t.Errorf("page %s: link %q does not parse: %v", pageURL, href, err)
				continue
			}
			if ref.Scheme != "" || ref.Host != "" {
				t.Errorf("page %s: link %q for %q has scheme %q host %q, want a relative path", pageURL, href, text, ref.Scheme, ref.Host)
				continue
			}
			target := pageURL.ResolveReference(ref)
			rel, err := url.PathUnescape(strings.TrimPrefix(target.EscapedPath(), "/"))
			if err != nil {
				t.Errorf("link %q: %v", href, err)
				continue
			}
			name := strings.TrimSuffix(strings.TrimPrefix(rel, dir), "/")
			checkShown(t, href, strings.TrimSuffix(text, "/"), name)
			if strings.HasSuffix(href, "/") {
				walk(target, rel)
				continue
			}
			want, ok := files[rel]
			if !ok {
				t.Errorf("page %s: link %q leads to %q, which is not a file of the tree", pageURL, href, rel)
				continue
			}
			resp, got := httpDo(t, "GET", target.String(), nil)
			if resp.StatusCode != http.StatusOK || string(got) != want {
				t.Errorf("link %q of %s: got %d %q, want 200 %q", href, pageURL, resp.StatusCode, got, want)
			}
			reached[rel] = true
		}
	}
	start, _ := url.Parse(base + "/")
	walk(start, "")
	for rel := range files {
		if !reached[rel] {
			t.Errorf("no link leads to %q", rel)
		}
	}
}

// checkShown checks the text a link shows for name: the name itself when
// it is printable UTF-8, else some printable UTF-8 that is not empty.
func checkShown(t *testing.T, href, shown, name string) {
	t.Helper()
	if printable(name) {
		if shown != name {
			t.Errorf("link %q shows %q, want %q", href, shown, name)
		}
		return
	}
	if shown == "" || !printable(shown) {
		t.Errorf("link %q for %q shows %q, want printable UTF-8", href, name, shown)
	}
}

func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' })
}

// listItem is one item of the JSON listing.
type listItem struct {
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
	Dir      bool      `json:"dir"`
	URL      string    `json:"url"`
}

// TestListingJSON reads the JSON listing, asked for both ways, and fetches
// every url it gives.
func TestListingJSON(t *testing.T) {
	root := t.TempDir()
	files := oddTree()
	writeTree(t, root, files)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	asks := []struct {
		name   string
		query  string
		header http.Header
	}{
		{"query", "?json", nil},
		{"query with value", "?json=1&x=y", nil},
		{"accept", "", http.Header{"Accept": {"application/json"}}},
		{"accept among others", "", http.Header{"Accept": {"text/html;q=0.5, application/json"}}},
	}
	for _, ask := range asks {
		t.Run(ask.name, func(t *testing.T) {
			reached := map[string]bool{}
			var walk func(dirURL string)
			walk = func(dirURL string) {
				resp, body := httpDo(t, "GET", base+dirURL+ask.query, ask.header)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s%s: got status %d, want 200", dirURL, ask.query, resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type: got %q, want application/json", ct)
				}
				if !slices.Contains(resp.Header.Values("Vary"), "Accept") {
					t.Errorf("Vary: got %q, want Accept among them", resp.Header.Values("Vary"))
				}
				var raw []map[string]any
				if err := json.Unmarshal(body, &raw); err != nil {
					t.Fatalf("listing of %s is not a JSON array: %v\n%s", dirURL, err, body)
				}
				for _, m := range raw {
					keys := make([]string, 0, len(m))
					for k := range m {
						keys = append(keys, k)
					}
					slices.Sort(keys)
					if want := []string{"dir", "modified", "name", "size", "url"}; !slices.Equal(keys, want) {
						t.Errorf("entry %v: got fields %q, want %q", m, keys, want)
					}
				}
				var entries []listItem
				if err := json.Unmarshal(body, &entries); err != nil {
					t.Fatal(err)
				}
				for i := 1; i < len(entries); i++ {
					a, b := entries[i-1], entries[i]
					if !a.Dir && b.Dir {
						t.Errorf("%s: file %q listed before folder %q, want folders first", dirURL, a.Name, b.Name)
					}
				}
				for _, e := range entries {
					if !e.Modified.Equal(fixedTime) {
						t.Errorf("%q: modified %v, want %v", e.Name, e.Modified, fixedTime)
					}
					u, err := url.Parse(e.URL)
					if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(e.URL, dirURL) {
						t.Errorf("%q: url %q, want a path under %q (%v)", e.Name, e.URL, dirURL, err)
						continue
					}
					rel, err := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/"))
					if err != nil {
						t.Errorf("%q: url %q: %v", e.Name, e.URL, err)
						continue
					}
					rawName := strings.TrimSuffix(rel[strings.LastIndex(strings.TrimSuffix(rel, "/"), "/")+1:], "/")
					if want := strings.ToValidUTF8(rawName, "\uFFFD"); e.Name != want {
						t.Errorf("url %q: name %q, want %q", e.URL, e.Name, want)
					}
					if e.Dir != strings.HasSuffix(e.URL, "/") {
						t.Errorf("%q: dir %v but url %q", e.Name, e.Dir, e.URL)
					}
					if e.Dir {
						walk(e.URL)
						continue
					}
					want, ok := files[rel]
					if !ok {
						t.Errorf("url %q leads to %q, not a file of the tree", e.URL, rel)
						continue
					}
					if e.Size != int64(len(want)) {
						t.Errorf("%q: size %d, want %d", e.Name, e.Size, len(want))
					}
					resp, got := httpDo(t, "GET", base+e.URL, nil)
					if resp.StatusCode != http.StatusOK || string(got) != want {
						t.Errorf("url %q: got %d %q, want 200 %q", e.URL, resp.StatusCode, got, want)
					}
					reached[rel] = true
				}
			}
			walk("/")
			for rel := range files {
				if !reached[rel] {
					t.Errorf("no url leads to %q", rel)
				}
			}
		})
	}
}

// TestListingJSONCurl fetches every url of the root's JSON listing with
// curl: the urls work for a client other than Go's.
func TestListingJSONCurl(t *testing.T) {
	curl := curlPath(t)
	root := t.TempDir()
	files := oddTree()
	writeTree(t, root, files)
	_, _, base := startServer(t, fileserver.Config{Root: root})

	_, body := httpDo(t, "GET", base+"/?json", nil)
	var entries []listItem
	if err := json.Unmarshal(body, &entries); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Dir {
			continue
		}
		rel, _ := url.PathUnescape(strings.TrimPrefix(e.URL, "/"))
		// -g: brackets and braces are part of the name, not a curl glob.
		got, err := execOutput(curl, "-sS", "-g", "--fail", "--max-time", "30", base+e.URL)
		if err != nil || got != files[rel] {
			t.Errorf("curl %s: got %q (%v), want %q", e.URL, got, err, files[rel])
		}
	}
}

// TestListingOrder: folders first, then files, each by name.
func TestListingOrder(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"b.txt": "", "a.txt": "", "Z.txt": "", "zdir/x": "", "adir/x": "", "Mdir/x": "", "10.txt": "", "9.txt": "",
	})
	_, _, base := startServer(t, fileserver.Config{Root: root})
	_, body := httpDo(t, "GET", base+"/?json", nil)
	var entries []listItem
	if err := json.Unmarshal(body, &entries); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name)
	}
	want := []string{"Mdir", "adir", "zdir", "10.txt", "9.txt", "Z.txt", "a.txt", "b.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("JSON order: got %q, want %q", got, want)
	}

	_, page := httpDo(t, "GET", base+"/", nil)
	got = got[:0]
	for _, m := range linkRe.FindAllStringSubmatch(string(page), -1) {
		got = append(got, strings.TrimSuffix(html.UnescapeString(m[2]), "/"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("page order: got %q, want %q", got, want)
	}
}

// TestListingIndexHTML: a folder with index.html serves it, and ?json still
// lists the folder, index.html included.
func TestListingIndexHTML(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"site/index.html": "<p>home</p>\n", "site/other.txt": "other\n"})
	_, _, base := startServer(t, fileserver.Config{Root: root})

	resp, body := httpDo(t, "GET", base+"/site/", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "<p>home</p>\n" {
		t.Errorf("GET /site/: got %d %q, want 200 with index.html", resp.StatusCode, body)
	}
	_, body = httpDo(t, "GET", base+"/site/?json", nil)
	var entries []listItem
	if err := json.Unmarshal(body, &entries); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	if want := []string{"index.html", "other.txt"}; !slices.Equal(names, want) {
		t.Errorf("GET /site/?json: got %q, want %q", names, want)
	}
}
