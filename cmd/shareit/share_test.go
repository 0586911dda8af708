package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// reply is what curl got: the last response's status and body, and the
// headers of every response (those of the redirects -L followed too).
type reply struct {
	status  int
	headers string
	body    string
}

// curlGet runs curl with args and the URL base+path, and returns what came back.
func curlGet(t *testing.T, base, path string, args ...string) reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	hdr := filepath.Join(t.TempDir(), "headers")
	all := append([]string{"-s", "--path-as-is", "--max-time", "20", "-D", hdr, "-w", "\n%{http_code}"}, args...)
	out, err := exec.CommandContext(ctx, "curl", append(all, base+path)...).Output()
	if err != nil {
		t.Fatalf("curl %s %s: %v", strings.Join(args, " "), path, err)
	}
	i := bytes.LastIndexByte(out, '\n')
	status, _ := strconv.Atoi(string(out[i+1:]))
	h, _ := os.ReadFile(hdr)
	return reply{status, string(h), string(out[:i])}
}

// oneFileDir makes a folder with movie.bin (100 000 bytes that differ),
// next.txt, .env and sub/in.txt: what sharing movie.bin alone must hide.
func oneFileDir(t *testing.T) (dir string, movie []byte) {
	t.Helper()
	dir = t.TempDir()
	movie = make([]byte, 100000)
	for i := range movie {
		movie[i] = byte(i * 7)
	}
	files := map[string][]byte{"movie.bin": movie, "next.txt": []byte("next\n"), ".env": []byte("SECRET=1\n"), "sub/in.txt": []byte("in\n")}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, movie
}

// TestShareOneFile: `shareit FILE` shares that file alone. The banner's
// URLs point at it; "/" is a page with its name, size, type, a download
// button and a QR code; "/movie.bin" answers Range, conditionals and
// resume; nothing else of its folder is reachable, however spelled.
func TestShareOneFile(t *testing.T) {
	dir, movie := oneFileDir(t)
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", filepath.Join(dir, "movie.bin"))
	head, urls := p.banner()
	for _, u := range urls {
		if !strings.HasSuffix(u.url, "/movie.bin") {
			t.Errorf("banner URL %s: want it to point at /movie.bin", u.url)
		}
	}
	if !strings.Contains(strings.Join(head, "\n"), filepath.Join(dir, "movie.bin")) {
		t.Errorf("banner: got %q, want it to name the file", head)
	}
	base := baseURL(p.port())

	page := curlGet(t, base, "/", "-H", "Accept: text/html")
	for _, want := range []string{"<h1>movie.bin</h1>", "97.7 KiB", "application/octet-stream", `href="./movie.bin" download>Download</a>`, "<svg", base + "/movie.bin"} {
		if page.status != 200 || !strings.Contains(page.body, want) {
			t.Errorf("GET /: got %d, want 200 and a page with %q:\n%s", page.status, want, page.body)
		}
	}
	if got := curlGet(t, base, "/movie.bin"); got.status != 200 || got.body != string(movie) {
		t.Errorf("GET /movie.bin: got %d and %d bytes, want 200 and the file", got.status, len(got.body))
	}
	if got := curlGet(t, base, "/movie.bin", "-r", "10-19"); got.status != 206 || got.body != string(movie[10:20]) {
		t.Errorf("Range 10-19: got %d %q, want 206 %q", got.status, got.body, movie[10:20])
	}
	etag := regexp.MustCompile(`(?i)etag: (\S+)`).FindStringSubmatch(curlGet(t, base, "/movie.bin", "-I").headers)
	if etag == nil {
		t.Fatal("HEAD /movie.bin: no ETag")
	}
	if got := curlGet(t, base, "/movie.bin", "-H", "If-None-Match: "+etag[1]); got.status != 304 {
		t.Errorf("If-None-Match: got %d, want 304", got.status)
	}
	// Resume: half of it on disk, curl -C - fetches the rest.
	part := filepath.Join(t.TempDir(), "movie.part")
	if err := os.WriteFile(part, movie[:40000], 0o644); err != nil {
		t.Fatal(err)
	}
	if got := curlGet(t, base, "/movie.bin", "-C", "-", "-o", part); got.status != 206 {
		t.Errorf("resume: got %d, want 206", got.status)
	}
	if got, _ := os.ReadFile(part); !bytes.Equal(got, movie) {
		t.Errorf("resumed file: got %d bytes, want the %d of movie.bin", len(got), len(movie))
	}
	for _, path := range []string{"/next.txt", "/sub/in.txt", "/sub/", "/.env", "/movie.bin/../next.txt", "/%2e%2e/next.txt", "/x/../next.txt", "/movie.bin/x"} {
		if got := curlGet(t, base, path); got.status < 400 || strings.Contains(got.body, "next") || strings.Contains(got.body, "SECRET") {
			t.Errorf("GET %s: got %d %q, want it refused", path, got.status, got.body)
		}
	}
}

// TestShareOneFileOnce: `shareit --max-downloads 1 FILE` is a one-shot
// send: it stops after one complete download.
func TestShareOneFileOnce(t *testing.T) {
	dir, _ := oneFileDir(t)
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--max-downloads", "1", filepath.Join(dir, "movie.bin"))
	base := baseURL(p.port())
	curlGet(t, base, "/") // the page is not a download
	curlGet(t, base, "/movie.bin", "-r", "0-9")
	if p.exited() {
		t.Fatal("shareit ended before the file was downloaded whole")
	}
	curlGet(t, base, "/movie.bin")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if out := p.output(); out[len(out)-1] != "Share ended: 1 complete downloads (--max-downloads 1)." {
		t.Errorf("last line: got %q", out[len(out)-1])
	}
}

// severalDir makes two folders named photos in different places, a file,
// and a secret outside all of them that a symlink points at.
func severalDir(t *testing.T) (a, b, notes, outside string) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"one/photos/a.jpg":     "A photo\n",
		"one/photos/.hidden":   "hidden\n",
		"one/photos/sub/s.txt": "in sub\n",
		"two/photos/b.jpg":     "B photo\n",
		"three/notes.txt":      "notes\n",
		"three/beside.txt":     "beside\n",
		"secret.txt":           "SECRET\n",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(root, "one/photos/out.txt")); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "one/photos"), filepath.Join(root, "two/photos"), filepath.Join(root, "three/notes.txt"), root
}

// TestShareSeveral: `shareit A B FILE` lists the three side by side at
// "/", the second photos as "photos (2)"; each is confined to itself as a
// folder alone is (no .., no symlink out, no dotfiles); the archives of
// "/" hold every item, and an item's own archive only itself.
func TestShareSeveral(t *testing.T) {
	a, b, notes, _ := severalDir(t)
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", a, b, notes)
	base := baseURL(p.port())

	list := curlGet(t, base, "/", "-H", "Accept: application/json")
	for _, want := range []string{`"name":"photos","size":0`, `"url":"/photos/"`, `"name":"photos (2)"`, `"url":"/photos%20%282%29/"`, `"name":"notes.txt","size":6`, `"url":"/notes.txt"`} {
		if !strings.Contains(list.body, want) {
			t.Errorf("GET / as JSON: got %s, want %s in it", list.body, want)
		}
	}
	page := curlGet(t, base, "/", "-H", "Accept: text/html")
	for _, want := range []string{`href="./photos/">photos/</a>`, `href="./photos%20%282%29/">photos (2)/</a>`, `href="./notes.txt">notes.txt</a>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("GET /: want %s in the page:\n%s", want, page.body)
		}
	}
	if got := curlGet(t, base, "/photos%20%282%29/", "-H", "Accept: text/html"); !strings.Contains(got.body, `<a href="/photos%20%282%29/">photos (2)</a>`) || !strings.Contains(got.body, `href="./b.jpg"`) {
		t.Errorf("GET /photos (2)/: want its crumb and b.jpg:\n%s", got.body)
	}
	for path, want := range map[string]string{"/photos/a.jpg": "A photo\n", "/photos/sub/s.txt": "in sub\n", "/photos%20(2)/b.jpg": "B photo\n", "/notes.txt": "notes\n"} {
		if got := curlGet(t, base, path); got.status != 200 || got.body != want {
			t.Errorf("GET %s: got %d %q, want 200 %q", path, got.status, got.body, want)
		}
	}
	for _, path := range []string{"/photos/.hidden", "/photos/out.txt", "/photos/../photos%20(2)/b.jpg", "/photos/%2e%2e/photos%20(2)/b.jpg", "/photos%2f..%2fsecret.txt",
		"/notes.txt/x", "/beside.txt", "/notes.txt/../beside.txt", "/photos%20(3)/", "/a.jpg", "/secret.txt"} {
		if got := curlGet(t, base, path); got.status < 400 || strings.Contains(got.body, "SECRET") || strings.Contains(got.body, "hidden\n") {
			t.Errorf("GET %s: got %d %q, want it refused", path, got.status, got.body)
		}
	}

	want := []string{"shared/", "shared/notes.txt", "shared/photos (2)/", "shared/photos (2)/b.jpg", "shared/photos/", "shared/photos/a.jpg", "shared/photos/sub/", "shared/photos/sub/s.txt"}
	zipFile := filepath.Join(t.TempDir(), "all.zip")
	if got := curlGet(t, base, "/?zip", "-o", zipFile); got.status != 200 || !strings.Contains(got.headers, `filename="shared.zip"`) {
		t.Errorf("GET /?zip: got %d %s, want 200 and shared.zip", got.status, got.headers)
	}
	if got := zipNames(t, zipFile); !slices.Equal(got, want) {
		t.Errorf("/?zip holds %q, want %q", got, want)
	}
	tgz := filepath.Join(t.TempDir(), "all.tgz")
	curlGet(t, base, "/?tgz", "-o", tgz)
	out, err := exec.Command("tar", "-tzf", tgz).Output()
	if err != nil {
		t.Fatalf("tar -tzf: %v", err)
	}
	got := strings.Fields(strings.ReplaceAll(strings.ReplaceAll(string(out), " (2)", "_(2)"), "\n", " "))
	slices.Sort(got)
	wantTar := slices.Clone(want)
	for i := range wantTar {
		wantTar[i] = strings.ReplaceAll(wantTar[i], " (2)", "_(2)")
	}
	slices.Sort(wantTar)
	if !slices.Equal(got, wantTar) {
		t.Errorf("/?tgz holds %q, want %q", got, wantTar)
	}
	one := filepath.Join(t.TempDir(), "one.zip")
	if got := curlGet(t, base, "/photos%20(2)/?zip", "-o", one); got.status != 200 || !strings.Contains(got.headers, `filename="photos (2).zip"`) {
		t.Errorf("GET /photos (2)/?zip: got %d %s", got.status, got.headers)
	}
	if got := zipNames(t, one); !slices.Equal(got, []string{"photos (2)/", "photos (2)/b.jpg"}) {
		t.Errorf("/photos (2)/?zip holds %q", got)
	}
}

// zipNames lists the members of the zip file at path, sorted.
func zipNames(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// TestShareSeveralUploads: with several paths, uploads land in the
// --upload-to folder whichever way they come and wherever they are sent;
// into its own subfolder when sent there and it is shared.
func TestShareSeveralUploads(t *testing.T) {
	a, b, notes, _ := severalDir(t)
	inbox := t.TempDir()
	up := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(up, []byte("uploaded\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "-u", "--upload-to", inbox, a, b, notes)
	base := baseURL(p.port())
	if got := curlGet(t, base, "/", "-F", "file=@"+up); got.status != 201 || got.body != "up.txt\n" {
		t.Errorf("curl -F to /: got %d %q, want 201 up.txt", got.status, got.body)
	}
	if got := curlGet(t, base, "/photos/sub/put.txt", "-T", up); got.status != 201 {
		t.Errorf("curl -T to /photos/sub/put.txt: got %d %q, want 201", got.status, got.body)
	}
	if got := curlGet(t, base, "/photos/", "-F", "file=@"+up, "-H", "Accept: text/html"); got.status != 303 || !strings.Contains(got.headers, "Location: /photos/") {
		t.Errorf("the page's form: got %d %s, want 303 back to /photos/", got.status, got.headers)
	}
	names, _ := os.ReadDir(inbox)
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
	}
	// The form's second up.txt has the same bytes: "already there", no copy.
	if want := []string{"put.txt", "up.txt"}; !slices.Equal(got, want) {
		t.Errorf("--upload-to folder holds %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(a, "up.txt")); err == nil {
		t.Error("an upload landed in a shared folder, not in --upload-to")
	}

	// --upload-to one of the shared folders: uploads sent inside it land
	// where they were sent, and their URL says so.
	p2 := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "-u", "--upload-to", b, a, b, notes)
	base2 := baseURL(p2.port())
	if got := curlGet(t, base2, "/photos%20(2)/", "-T", up); got.status != 201 || got.body != base2[len(base2):]+"/photos%20%282%29/up.txt\n" {
		t.Errorf("curl -T into the --upload-to folder: got %d %q, want 201 /photos%%20%%282%%29/up.txt", got.status, got.body)
	}
	if got := curlGet(t, base2, "/photos%20(2)/up.txt"); got.body != "uploaded\n" {
		t.Errorf("the upload, downloaded: got %d %q", got.status, got.body)
	}
}
