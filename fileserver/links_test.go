package fileserver_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// linkPath is the path part of a link's URL.
func linkPath(t *testing.T, l fileserver.Link) string {
	t.Helper()
	i := strings.Index(l.URL, "/~l/")
	if i < 0 {
		t.Fatalf("link URL %s: no /~l/", l.URL)
	}
	return l.URL[i:]
}

// TestLinkFile: a link to one file, for one download, works without the
// secret link, reaches that file only, is used up by one GET (HEAD is
// free), then answers 410 saying so; log lines never hold its token.
func TestLinkFile(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"docs/report.pdf": "%PDF", "other.txt": "no"})
	srv, tracker, base := startServer(t, fileserver.Config{Root: root, Secret: true})
	sub := tracker.Subscribe(transfer.EventLog, transfer.EventNotice)
	defer sub.Close()
	l, err := srv.NewLink(filepath.Join(root, "docs", "report.pdf"), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Path != "/docs/report.pdf" || !strings.HasSuffix(l.URL, "/report.pdf") || strings.Contains(l.URL, "/~s/") {
		t.Errorf("link: %+v", l)
	}
	p := linkPath(t, l)
	if r, _ := httpDo(t, "HEAD", base+p, nil); r.StatusCode != 200 {
		t.Errorf("HEAD: got %d, want 200", r.StatusCode)
	}
	if r, body := httpDo(t, "GET", base+strings.TrimSuffix(p, "report.pdf")+"..%2fother.txt", nil); r.StatusCode != 200 || string(body) != "%PDF" {
		t.Errorf("another name after the token: got %d %q, want the link's file", r.StatusCode, body)
	}
	r, body := httpDo(t, "GET", base+p, nil)
	if r.StatusCode != http.StatusGone || !strings.Contains(string(body), "used up") || strings.Contains(string(body), "report") {
		t.Errorf("the second GET: got %d %q, want 410 saying it is used up, naming nothing", r.StatusCode, body)
	}
	if got := srv.Links(); len(got) != 1 || got[0].Uses != 1 || got[0].State(time.Now()) != "used up" {
		t.Errorf("Links: %+v", got)
	}
	if r, _ := httpDo(t, "GET", base+"/docs/report.pdf", nil); r.StatusCode != 403 {
		t.Errorf("the file by its own path, without the secret: got %d, want 403", r.StatusCode)
	}
	if r, _ := httpDo(t, "GET", base+"/~l/nosuchtoken/x", nil); r.StatusCode != 404 {
		t.Errorf("an unknown token: got %d, want 404", r.StatusCode)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		ev := waitEvent(t, sub, 10*time.Second, func(transfer.Event) bool { return true })
		if ev.Kind == transfer.EventLog && strings.Contains(ev.Log.String(), l.Token) {
			t.Errorf("log line holds the token: %s", ev.Log)
		}
		if ev.Kind == transfer.EventNotice && strings.Contains(ev.Text, l.Token) {
			t.Errorf("notice holds the token: %s", ev.Text)
		}
		if ev.Kind == transfer.EventLog && strings.HasPrefix(ev.Log.URI, "/~l/nosu…") {
			break
		}
	}
}

// TestLinkFolderTimeRevoke: a folder's link is that folder as a .zip and
// nothing else; a link for a while ends by itself; a revoked one ends at
// once; blocked clients get nothing; a link ends with its folder when the
// share changes folder (TestLinkUnshared); paths outside the share and hidden ones are
// refused.
func TestLinkFolderTimeRevoke(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"photos/a.jpg": "A", "photos/b.jpg": "B", "notes.txt": "n", ".env": "x"})
	srv, _, base := startServer(t, fileserver.Config{Root: root})

	l, err := srv.NewLink("photos", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, body := httpDo(t, "GET", base+linkPath(t, l), nil)
	if r.StatusCode != 200 {
		t.Fatalf("folder link: got %d", r.StatusCode)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	if strings.Join(names, " ") != "photos/a.jpg photos/b.jpg" && strings.Join(names, " ") != "a.jpg b.jpg" {
		t.Errorf("zip: got %v, want the two photos only", names)
	}

	brief, err := srv.NewLink("notes.txt", 0, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := httpDo(t, "GET", base+linkPath(t, brief), nil); r.StatusCode != 200 {
		t.Errorf("link for a while, at once: got %d", r.StatusCode)
	}
	testkit.Eventually(t, 10*time.Second, "the link to expire", func() bool {
		r, body := httpDo(t, "GET", base+linkPath(t, brief), nil)
		return r.StatusCode == http.StatusGone && strings.Contains(string(body), "expired")
	})

	if !srv.RevokeLink(l.Token) {
		t.Error("RevokeLink: not live")
	}
	if r, body := httpDo(t, "GET", base+linkPath(t, l), nil); r.StatusCode != http.StatusGone || !strings.Contains(string(body), "withdrawn") {
		t.Errorf("revoked: got %d %q", r.StatusCode, body)
	}

	kept, _ := srv.NewLink("notes.txt", 0, 0)
	other := t.TempDir()
	writeTree(t, other, map[string]string{"notes.txt": "other folder"})
	if err := srv.SetRoot(other); err != nil {
		t.Fatal(err)
	}
	if r, body := httpDo(t, "GET", base+linkPath(t, kept), nil); r.StatusCode != 404 || strings.Contains(string(body), "other folder") {
		t.Errorf("after a change of folder: got %d %q, want 404, never the new folder's file", r.StatusCode, body)
	}
	srv.Block("127.0.0.1")
	if r, _ := httpDo(t, "GET", base+linkPath(t, kept), nil); r.StatusCode != 403 {
		t.Errorf("blocked: got %d, want 403", r.StatusCode)
	}
	srv.Unblock("127.0.0.1")

	for _, bad := range []string{filepath.Join(root, "..", "x"), ".env", "nothing.txt", "/etc/passwd"} {
		if _, err := srv.NewLink(bad, 1, 0); err == nil {
			t.Errorf("NewLink(%q): no error", bad)
		}
	}
}

// TestLinkSeveral: with several paths shared, a link is made either from a
// path on disk or from the URL path the TUI's browser lists; each reaches
// its item's file or folder and nothing beside it, and what is not shared
// (a hidden name, the top of the list, a path outside) gets no link.
func TestLinkSeveral(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"one/photos/a.jpg": "A", "two/photos/b.jpg": "B", "notes.txt": "N", "one/photos/.secret": "S", "outside.txt": "O",
	})
	srv, _, base := startServer(t, fileserver.Config{Paths: []string{
		filepath.Join(root, "one/photos"), filepath.Join(root, "two/photos"), filepath.Join(root, "notes.txt"),
	}})
	byDisk, err := srv.NewLink(filepath.Join(root, "two/photos/b.jpg"), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	byURL, err := srv.NewLinkAt("/photos%20%282%29/b.jpg", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	file, err := srv.NewLinkAt("/notes.txt", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	folder, err := srv.NewLinkAt("/photos/", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		l    fileserver.Link
		path string
		body string
	}{{byDisk, "/photos (2)/b.jpg", "B"}, {byURL, "/photos (2)/b.jpg", "B"}, {file, "/notes.txt", "N"}} {
		if c.l.Path != c.path {
			t.Errorf("link %s: Path %q, want %q", c.l.URL, c.l.Path, c.path)
		}
		if r, body := httpDo(t, "GET", base+linkPath(t, c.l), nil); r.StatusCode != 200 || string(body) != c.body {
			t.Errorf("GET %s: got %d %q, want %q", c.l.Path, r.StatusCode, body, c.body)
		}
	}
	r, body := httpDo(t, "GET", base+linkPath(t, folder), nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/zip" || !bytes.Contains(body, []byte("a.jpg")) || bytes.Contains(body, []byte(".secret")) || bytes.Contains(body, []byte("b.jpg")) {
		t.Errorf("the folder link: got %d %s, want a zip of the first photos alone, no dotfile", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/", "/photos/.secret", "/nosuch/", "/photos/../../outside.txt"} {
		if l, err := srv.NewLinkAt(p, 0, 0); err == nil {
			t.Errorf("NewLinkAt(%q): made %+v, want an error", p, l)
		}
	}
	if l, err := srv.NewLink(filepath.Join(root, "outside.txt"), 0, 0); err == nil {
		t.Errorf("NewLink outside: made %+v, want an error", l)
	}
}

// TestLinkUnshared: a limited link works while what it reaches is shared:
// after R removes its item, or d leaves its folder, it answers 404 saying
// so, and the refused request uses none of its downloads; adding a path
// beside a folder shared alone keeps its links working.
func TestLinkUnshared(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"one/a.txt": "A", "two/b.txt": "B", "notes.txt": "N"})
	srv, _, base := startServer(t, fileserver.Config{Root: filepath.Join(root, "one")})
	alone, err := srv.NewLink("a.txt", 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Add(filepath.Join(root, "two")); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Add(filepath.Join(root, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	if r, body := httpDo(t, "GET", base+linkPath(t, alone), nil); r.StatusCode != 200 || string(body) != "A" {
		t.Errorf("a link made alone, after an add: got %d %q, want the file", r.StatusCode, body)
	}
	inTwo, err := srv.NewLinkAt("/two/b.txt", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	file, err := srv.NewLinkAt("/notes.txt", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"two", "notes.txt"} {
		if err := srv.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []fileserver.Link{inTwo, file} {
		if r, body := httpDo(t, "GET", base+linkPath(t, l), nil); r.StatusCode != 404 || !strings.Contains(string(body), "no longer shared") {
			t.Errorf("GET the link to %s after R: got %d %q, want 404 saying it is no longer shared", l.Path, r.StatusCode, body)
		}
	}
	for _, l := range srv.Links() {
		if l.Uses != map[string]int{"/a.txt": 1}[l.Path] {
			t.Errorf("link to %s: %d uses", l.Path, l.Uses)
		}
		if want := map[bool]string{true: "live", false: "removed"}[l.Path == "/a.txt"]; l.State(time.Now()) != want {
			t.Errorf("link to %s: state %q, want %q", l.Path, l.State(time.Now()), want)
		}
	}
	if !srv.RevokeLink(inTwo.Token) {
		t.Error("RevokeLink of a removed link: not revoked, yet it would come back with its item")
	}
	if _, err := srv.Add(filepath.Join(root, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	if r, body := httpDo(t, "GET", base+linkPath(t, file), nil); r.StatusCode != 200 || string(body) != "N" {
		t.Errorf("the link once its file is shared again: got %d %q", r.StatusCode, body)
	}
	if err := srv.SetRoot(filepath.Join(root, "two")); err != nil {
		t.Fatal(err)
	}
	if r, _ := httpDo(t, "GET", base+linkPath(t, alone), nil); r.StatusCode != 404 {
		t.Errorf("a link into the folder left by d: got %d, want 404", r.StatusCode)
	}
}
