package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// reply is what curl got: the status, the headers of the last response
// and the body.
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
