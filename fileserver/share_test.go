package fileserver_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shareit/fileserver"
)

// TestShareRefusals: what a share of several refuses at start and when
// asked: a hidden item without Hidden, and uploads with nowhere to land.
func TestShareRefusals(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/x.txt": "x", ".cfg/y.txt": "y", "f.txt": "f"})
	for _, paths := range [][]string{{filepath.Join(root, "a"), filepath.Join(root, ".cfg")}, {filepath.Join(root, "a"), filepath.Join(root, "nope")}} {
		if _, err := fileserver.New(fileserver.Config{Paths: paths}, nil); err == nil {
			t.Errorf("New(%q): got no error", paths)
		}
	}
	srv, _, base := startServer(t, fileserver.Config{Paths: []string{filepath.Join(root, "a"), filepath.Join(root, "f.txt")}, Upload: true})
	if srv.Uploadable() {
		t.Error("Uploadable: got true with several paths and no UploadTo")
	}
	resp, body := send(t, http.MethodPut, base+"/a/new.txt", strings.NewReader("new"), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "--upload-to") {
		t.Errorf("PUT with nowhere to land: got %d %s, want 403 naming --upload-to", resp.StatusCode, body)
	}
	resp, body = httpDo(t, http.MethodGet, base+"/", http.Header{"Accept": {"text/html"}})
	if resp.StatusCode != 200 || strings.Contains(string(body), `<form class="up"`) {
		t.Errorf("GET /: got %d, want 200 and no upload form when uploads have nowhere to land", resp.StatusCode)
	}
}

// TestShareLive: Add shares a path beside a folder alone, at once; Remove
// stops sharing it: new requests get 404, while a download already
// running from it finishes whole. Bad paths change nothing.
func TestShareLive(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"first/a.txt": "a", "second/b.txt": "b", "second/.env": "secret"})
	big := filepath.Join(root, "big.bin")
	writePattern(t, big, 32<<20)
	srv, _, base := startServer(t, fileserver.Config{Root: filepath.Join(root, "first")})
	get := func(path string) int {
		t.Helper()
		resp, _ := httpDo(t, http.MethodGet, base+path, nil)
		return resp.StatusCode
	}
	for _, bad := range []string{filepath.Join(root, "nope"), filepath.Join(root, "second/.env"), filepath.Join(root, "first")} {
		if _, err := srv.Add(bad); err == nil {
			t.Errorf("Add(%s): got no error", bad)
		}
	}
	if got := get("/a.txt"); got != 200 {
		t.Fatalf("after refused adds: /a.txt got %d, want 200 as before", got)
	}
	for _, p := range []string{"second", "big.bin"} {
		if _, err := srv.Add(filepath.Join(root, p)); err != nil {
			t.Fatalf("Add(%s): %v", p, err)
		}
	}
	names := []string{}
	for _, it := range srv.Paths() {
		names = append(names, it.Name)
	}
	if strings.Join(names, ",") != "first,second,big.bin" {
		t.Errorf("Paths: got %q, want first, second, big.bin", names)
	}
	for path, want := range map[string]int{"/first/a.txt": 200, "/second/b.txt": 200, "/second/.env": 404, "/a.txt": 404} {
		if got := get(path); got != want {
			t.Errorf("after Add: GET %s got %d, want %d", path, got, want)
		}
	}
	// A download of big.bin, read slowly, outlives its removal.
	resp, err := http.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	if err := srv.Remove("big.bin"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if got := get("/big.bin"); got != 404 {
		t.Errorf("after Remove: GET /big.bin got %d, want 404", got)
	}
	n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), resp.Body), 32<<20)
	if err != nil || !ok {
		t.Errorf("the running download: got %d bytes (pattern ok %v, %v), want all %d", n, ok, err, 32<<20)
	}
	if err := srv.Remove("big.bin"); err == nil {
		t.Error("Remove of what is not shared: got no error")
	}
	srv.Remove("second")
	if err := srv.Remove("first"); err == nil {
		t.Error("Remove of the last item: got no error")
	}
}

// TestList: the TUI's browser sees what a client sees: each item's
// entries, no dotfile, no symlink out, nothing through "..", and nothing
// of a file's folder.
func TestList(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"photos/a.jpg": "a", "photos/.hidden": "h", "photos/sub/s.txt": "s", "photos/my dir/x.txt": "x", "notes.txt": "n", "secret.txt": "S"})
	if err := os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(root, "photos/out.txt")); err != nil {
		t.Fatal(err)
	}
	srv, _, _ := startServer(t, fileserver.Config{Paths: []string{filepath.Join(root, "photos"), filepath.Join(root, "notes.txt")}})
	names := func(dir string) string {
		t.Helper()
		entries, err := srv.List(dir)
		if err != nil {
			return "error"
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name+"="+e.URL)
		}
		return strings.Join(out, " ")
	}
	for dir, want := range map[string]string{
		"/":                 "photos=/photos/ notes.txt=/notes.txt",
		"/photos/":          "my dir=/photos/my%20dir/ sub=/photos/sub/ a.jpg=/photos/a.jpg",
		"/photos/my%20dir/": "x.txt=/photos/my%20dir/x.txt",
		"/photos/sub/":      "s.txt=/photos/sub/s.txt",
		"/photos/../":       "error",
		"/photos/.hidden/":  "error",
		"/notes.txt":        "error",
		"/secret.txt":       "error",
		"/photos/out.txt/":  "error",
		"/nope/":            "error",
		"/photos/%2e%2e/":   "error",
	} {
		if got := names(dir); got != want {
			t.Errorf("List(%q): got %q, want %q", dir, got, want)
		}
	}
}

// TestQRPage: every file of a listing has a QR action; FILE?qr is a page
// with the file's link as a code and a download button, not the file.
func TestQRPage(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"sub/a b.txt": "hello"})
	_, _, base := startServer(t, fileserver.Config{Root: root})
	_, page := httpDo(t, http.MethodGet, base+"/sub/", nil)
	if !strings.Contains(string(page), `<a class="qr" href="./a%20b.txt?qr" aria-label="QR code of the link">QR</a>`) {
		t.Errorf("the listing has no QR action for a b.txt:\n%s", page)
	}
	resp, body := httpDo(t, http.MethodGet, base+"/sub/a%20b.txt?qr", nil)
	for _, want := range []string{"<h1>a b.txt</h1>", "<svg", `href="./a%20b.txt" download>Download</a>`, ">" + base + "/sub/a%20b.txt</a>"} {
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET a b.txt?qr: got %d, want 200 and %q in\n%s", resp.StatusCode, want, body)
		}
	}
	if resp, body := httpDo(t, http.MethodGet, base+"/sub/a%20b.txt", nil); string(body) != "hello" {
		t.Errorf("the file itself: got %d %q", resp.StatusCode, body)
	}
}

// TestShareLiveUploads: uploads to a folder shared alone keep landing in
// it once a path is added beside it; after SetRoot they land in the new
// folder.
func TestShareLiveUploads(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"inbox/keep.txt": "k", "other/o.txt": "o", "next/n.txt": "n"})
	srv, _, base := startServer(t, fileserver.Config{Root: filepath.Join(root, "inbox"), Upload: true})
	if _, err := srv.Add(filepath.Join(root, "other")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/one.txt", "/other/two.txt", "/inbox/three.txt"} {
		if resp, body := send(t, http.MethodPut, base+path, strings.NewReader("x"), nil); resp.StatusCode != 201 {
			t.Fatalf("PUT %s: got %d %s", path, resp.StatusCode, body)
		}
	}
	for _, name := range []string{"inbox/one.txt", "inbox/two.txt", "inbox/three.txt"} {
		if _, err := os.Stat(filepath.Join(root, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := srv.SetRoot(filepath.Join(root, "next")); err != nil {
		t.Fatal(err)
	}
	if resp, body := send(t, http.MethodPut, base+"/four.txt", strings.NewReader("x"), nil); resp.StatusCode != 201 || !strings.Contains(string(body), "/four.txt") {
		t.Fatalf("PUT after SetRoot: got %d %s", resp.StatusCode, body)
	}
	if _, err := os.Stat(filepath.Join(root, "next/four.txt")); err != nil {
		t.Errorf("after SetRoot the upload went elsewhere: %v", err)
	}
}
