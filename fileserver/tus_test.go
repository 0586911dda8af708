package fileserver_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// A small tus 1.0.0 client, enough to cut an upload at any byte.

func tusCreate(t *testing.T, folderURL string, meta map[string]string, size int64, header http.Header) (*http.Response, string) {
	t.Helper()
	var pairs []string
	for k, v := range meta {
		pairs = append(pairs, k+" "+base64.StdEncoding.EncodeToString([]byte(v)))
	}
	h := http.Header{
		"Tus-Resumable":   {"1.0.0"},
		"Upload-Length":   {strconv.FormatInt(size, 10)},
		"Upload-Metadata": {strings.Join(pairs, ",")},
	}
	for k, v := range header {
		h[k] = v
	}
	resp, body := send(t, "POST", folderURL, nil, h)
	loc := resp.Header.Get("Location")
	if resp.StatusCode == http.StatusCreated && loc == "" {
		t.Fatalf("POST %s: 201 without a Location", folderURL)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Logf("POST %s: %d %s", folderURL, resp.StatusCode, body)
	}
	return resp, loc
}

func tusHead(t *testing.T, loc string) (status int, offset, length int64) {
	t.Helper()
	resp, _ := httpDo(t, "HEAD", loc, http.Header{"Tus-Resumable": {"1.0.0"}})
	offset, _ = strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	length, _ = strconv.ParseInt(resp.Header.Get("Upload-Length"), 10, 64)
	return resp.StatusCode, offset, length
}

func tusPatch(t *testing.T, loc string, offset int64, data []byte) (*http.Response, []byte) {
	t.Helper()
	return send(t, "PATCH", loc, bytes.NewReader(data), http.Header{
		"Tus-Resumable": {"1.0.0"},
		"Upload-Offset": {strconv.FormatInt(offset, 10)},
		"Content-Type":  {"application/offset+octet-stream"},
	})
}

// tusCut sends a PATCH that announces all of data but sends only its
// first n bytes, then ends the connection, as a phone losing Wi-Fi does;
// it returns once the server has read what came and answered.
func tusCut(t *testing.T, loc string, offset int64, data []byte, n int) {
	t.Helper()
	u, err := url.Parse(loc)
	must(t, err)
	c, err := net.Dial("tcp", u.Host)
	must(t, err)
	fmt.Fprintf(c, "PATCH %s HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\n"+
		"Content-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n", u.Path, u.Host, offset, len(data))
	_, err = c.Write(data[:n])
	must(t, err)
	must(t, c.(*net.TCPConn).CloseWrite())
	readUntilClosed(t, c, 20*time.Second)
	c.Close()
}

// tusHang sends a PATCH with the first n bytes of data and leaves it
// hanging, as a connection whose client went away without a word.
func tusHang(t *testing.T, loc string, offset int64, data []byte, n int) net.Conn {
	t.Helper()
	u, err := url.Parse(loc)
	must(t, err)
	c, err := net.Dial("tcp", u.Host)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "PATCH %s HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\n"+
		"Content-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n", u.Path, u.Host, offset, len(data))
	_, err = c.Write(data[:n])
	must(t, err)
	return c
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestTusResume: an upload cut at arbitrary bytes resumes from what the
// server holds (HEAD), lands whole under its name with its SHA-256, and a
// client that lost the last answer learns from HEAD that it is complete.
// Nothing of it is listed before it lands, even with --hidden, and the
// staging folder is outside the shared one.
func TestTusResume(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Hidden: true, Staging: staging})
	must(t, os.Mkdir(filepath.Join(root, "in"), 0o755))
	data := randomBytes(3<<20 + 12345)

	resp, loc := tusCreate(t, base+"/in/", map[string]string{"filename": "big.bin"}, int64(len(data)), nil)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(loc, "/.shareit-tus/") {
		t.Fatalf("POST: got %d %q, want 201 and a Location under /.shareit-tus/", resp.StatusCode, loc)
	}
	var offset int64
	for _, cut := range []int{1, 777_777, 1 << 20} {
		tusCut(t, loc, offset, data[offset:], cut)
		want := offset + int64(cut)
		if status, got, length := tusHead(t, loc); status != 200 || got != want || length != int64(len(data)) {
			t.Fatalf("HEAD after a cut at %d: got %d offset %d of %d, want 200 and %d of %d", cut, status, got, length, want, len(data))
		}
		offset = want
		// Not listed, not served, not in a folder's JSON, even with --hidden.
		_, body := httpDo(t, "GET", base+"/in/?json", nil)
		if strings.Contains(string(body), "big") || strings.Contains(string(body), "shareit") {
			t.Errorf("listing shows the partial upload: %s", body)
		}
		if resp, _ := httpDo(t, "GET", loc, nil); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET of a partial upload: got %d, want 405", resp.StatusCode)
		}
		if got := dirFiles(t, filepath.Join(root, "in")); len(got) != 0 {
			t.Errorf("the target folder holds %v before the upload is complete", got)
		}
	}
	// A PATCH left hanging by a client that went away: its next request
	// takes over, from the bytes the server got.
	rowBytes := func() int64 {
		for _, s := range tracker.Snapshot().Transfers {
			if s.Kind == transfer.Upload {
				return s.Bytes
			}
		}
		return 0
	}
	before := rowBytes()
	tusHang(t, loc, offset, data[offset:], 100_000)
	testkit.Eventually(t, 20*time.Second, "the server to read from the hanging PATCH", func() bool { return rowBytes() > before })
	if status, got, _ := tusHead(t, loc); status != 200 || got <= offset || got > offset+100_000 {
		t.Fatalf("HEAD while a PATCH hangs: got %d offset %d, want 200 and some of the %d bytes past %d", status, got, 100_000, offset)
	} else {
		offset = got
	}
	resp, body := tusPatch(t, loc, offset, data[offset:])
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("last PATCH: got %d %s, want 204", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("Upload-Sha256"), sumHex(data); got != want {
		t.Errorf("Upload-Sha256: got %q, want %q", got, want)
	}
	if got := resp.Header.Get("Upload-Result"); got != "created" {
		t.Errorf("Upload-Result: got %q, want created", got)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "in", "big.bin")); !bytes.Equal(got, data) {
		t.Errorf("the landed file differs from what was sent (%d bytes of %d)", len(got), len(data))
	}
	// The last answer was lost: the client asks again.
	if status, got, length := tusHead(t, loc); status != 200 || got != length || length != int64(len(data)) {
		t.Errorf("HEAD after landing: got %d offset %d of %d, want 200 and complete", status, got, length)
	}
	if resp, _ := httpDo(t, "HEAD", loc, http.Header{"Tus-Resumable": {"1.0.0"}}); resp.Header.Get("Upload-Sha256") != sumHex(data) {
		t.Errorf("HEAD after landing: Upload-Sha256 %q, want the digest", resp.Header.Get("Upload-Sha256"))
	}
	if resp, _ := tusPatch(t, loc, int64(len(data)), nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("PATCH after landing: got %d, want 204", resp.StatusCode)
	}
	if got := dirFiles(t, filepath.Join(root, "in")); len(got) != 1 {
		t.Errorf("the folder holds %v, want only big.bin", summarize(got))
	}
	entries, _ := os.ReadDir(staging)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("staging still holds %s after landing", e.Name())
		}
	}
	// The digest of a download, for the sender to compare.
	if resp, body := httpDo(t, "GET", base+"/in/big.bin?hash=sha256", nil); resp.StatusCode != 200 || string(body) != sumHex(data)+"\n" {
		t.Errorf("GET ?hash=sha256: got %d %q, want the digest", resp.StatusCode, body)
	}
}

// TestTusRestart: shareit stops between two PATCH requests; the next one
// finds the upload on disk, with its offset and its hash state.
func TestTusRestart(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	data := randomBytes(2<<20 + 3)
	run := func() (string, func()) {
		tracker := transfer.New()
		srv, err := fileserver.New(fileserver.Config{Root: root, Bind: "127.0.0.1", Upload: true, Staging: staging, Grace: time.Second}, tracker)
		must(t, err)
		_, err = srv.Listen()
		must(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- srv.Run(ctx) }()
		return "http://" + srv.Addr(), func() {
			cancel()
			if err := <-ran; err != nil {
				t.Errorf("Run: %v", err)
			}
			tracker.Close()
		}
	}
	base, stop := run()
	_, loc := tusCreate(t, base+"/", map[string]string{"filename": "r.bin"}, int64(len(data)), nil)
	half := int64(len(data) / 2)
	if resp, body := tusPatch(t, loc, 0, data[:half]); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("first PATCH: got %d %s", resp.StatusCode, body)
	}
	stop()

	base2, stop2 := run()
	defer stop2()
	loc2 := base2 + loc[strings.Index(loc, "/.shareit-tus/"):]
	if status, got, _ := tusHead(t, loc2); status != 200 || got != half {
		t.Fatalf("HEAD after the restart: got %d offset %d, want 200 and %d", status, got, half)
	}
	resp, body := tusPatch(t, loc2, half, data[half:])
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Sha256") != sumHex(data) {
		t.Fatalf("PATCH after the restart: got %d %s, sha256 %q", resp.StatusCode, body, resp.Header.Get("Upload-Sha256"))
	}
	if got, _ := os.ReadFile(filepath.Join(root, "r.bin")); !bytes.Equal(got, data) {
		t.Errorf("r.bin differs from what was sent")
	}
}

// TestTusClashes: the rules of shared/PRODUCT.md, as for the form: the
// same content is "already there", other content lands as "name (1)".
func TestTusClashes(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "original"})
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: t.TempDir()})
	for _, tc := range []struct{ content, result, name string }{
		{"original", "already there", "a.txt"},
		{"other", "renamed", "a (1).txt"},
		{"other", "already there", "a (1).txt"},
	} {
		_, loc := tusCreate(t, base+"/", map[string]string{"filename": "a.txt"}, int64(len(tc.content)), nil)
		resp, body := tusPatch(t, loc, 0, []byte(tc.content))
		if resp.StatusCode != 204 || resp.Header.Get("Upload-Result") != tc.result || !strings.HasSuffix(resp.Header.Get("Content-Location"), "/"+url.PathEscape(tc.name)) {
			t.Errorf("%q: got %d %s %q %q, want %q as %s", tc.content, resp.StatusCode, body,
				resp.Header.Get("Upload-Result"), resp.Header.Get("Content-Location"), tc.result, tc.name)
		}
	}
	// Two uploads of one new name at once: the first to land takes the
	// name, the other is renamed, and its sender is told.
	_, loc1 := tusCreate(t, base+"/", map[string]string{"filename": "b.txt"}, 6, nil)
	_, loc2 := tusCreate(t, base+"/", map[string]string{"filename": "b.txt"}, 6, nil)
	tusPatch(t, loc1, 0, []byte("one"))
	tusPatch(t, loc2, 0, []byte("two"))
	if resp, _ := tusPatch(t, loc2, 3, []byte("two")); resp.Header.Get("Upload-Result") != "created" {
		t.Errorf("the first to land: %q, want created", resp.Header.Get("Upload-Result"))
	}
	if resp, _ := tusPatch(t, loc1, 3, []byte("one")); resp.Header.Get("Upload-Result") != "renamed" || !strings.HasSuffix(resp.Header.Get("Content-Location"), "/b%20%281%29.txt") {
		t.Errorf("the second to land: %q at %q, want renamed to b (1).txt", resp.Header.Get("Upload-Result"), resp.Header.Get("Content-Location"))
	}
	checkDir(t, root, map[string]string{"a.txt": "original", "a (1).txt": "other", "b.txt": "twotwo", "b (1).txt": "oneone"})
}

// TestTusRefused: what tus refuses, and that it leaves nothing behind.
func TestTusRefused(t *testing.T) {
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "in"), 0o755))
	srv, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, MaxUpload: 1000, Staging: t.TempDir()})
	for _, tc := range []struct {
		name, path string
		size       int64
		status     int
		header     http.Header
	}{
		{"over --max-upload", "x.bin", 1001, 413, nil},
		{"dot-dot", "../x", 1, 400, nil},
		{"dot-dot inside", "a/../../x", 1, 400, nil},
		{"absolute", "/etc/x", 1, 400, nil},
		{"drive", "C:/x", 1, 400, nil},
		{"empty part", "a//x", 1, 400, nil},
		{"backslash", `a\x`, 1, 400, nil},
		{"NUL", "a/x\x00y", 1, 400, nil},
		{"control byte", "a\x1b[31m/x", 1, 400, nil},
		{"dotfile", "a/.ssh/x", 1, 400, nil},
		{"Windows device", "a/con/x", 1, 400, nil},
		{"Windows' own", "a/Thumbs.db", 1, 400, nil},
		{"another site", "x.bin", 1, 403, http.Header{"Origin": {"http://evil.example"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := tusCreate(t, base+"/in/", map[string]string{"filename": "x", "relativePath": tc.path}, tc.size, tc.header)
			if resp.StatusCode != tc.status {
				t.Errorf("got %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	if got := dirFiles(t, filepath.Join(root, "in")); len(got) != 0 {
		t.Errorf("the folder holds %v after refusals", got)
	}
	if resp, _ := httpDo(t, "HEAD", base+"/.shareit-tus/../../etc", http.Header{"Tus-Resumable": {"1.0.0"}}); resp.StatusCode != 404 && resp.StatusCode != 400 {
		t.Errorf("HEAD of a bad ID: got %d, want 404", resp.StatusCode)
	}
	if resp, _ := httpDo(t, "HEAD", base+"/.shareit-tus/0123456789abcdef0123456789abcdef", http.Header{"Tus-Resumable": {"1.0.0"}}); resp.StatusCode != 404 {
		t.Errorf("HEAD of an unknown ID: got %d, want 404", resp.StatusCode)
	}

	// Folders keep their paths, inside the target folder.
	_, loc := tusCreate(t, base+"/in/", map[string]string{"filename": "c.txt", "relativePath": "pics/2024/c.txt"}, 2, nil)
	if resp, body := tusPatch(t, loc, 0, []byte("ok")); resp.StatusCode != 204 {
		t.Fatalf("PATCH into sub-folders: got %d %s", resp.StatusCode, body)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "in", "pics", "2024", "c.txt")); string(b) != "ok" {
		t.Errorf("in/pics/2024/c.txt holds %q, want ok", b)
	}

	// Uploads turned off mid-way: the next PATCH hears why; turned on
	// again, the upload resumes.
	_, loc = tusCreate(t, base+"/in/", map[string]string{"filename": "off.txt"}, 6, nil)
	if resp, _ := tusPatch(t, loc, 0, []byte("abc")); resp.StatusCode != 204 {
		t.Fatalf("first PATCH: got %d", resp.StatusCode)
	}
	srv.SetUploads(false)
	if resp, body := tusPatch(t, loc, 3, []byte("def")); resp.StatusCode != 403 || !strings.Contains(string(body), "off") {
		t.Errorf("PATCH with uploads off: got %d %q, want 403 saying so", resp.StatusCode, body)
	}
	srv.SetUploads(true)
	if resp, _ := tusPatch(t, loc, 3, []byte("def")); resp.StatusCode != 204 {
		t.Errorf("PATCH with uploads on again: got %d", resp.StatusCode)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "in", "off.txt")); string(b) != "abcdef" {
		t.Errorf("off.txt holds %q", b)
	}
}

// TestTusDiskErrorText: a PATCH the disk refuses before a byte is
// written answers with a sentence of shareit's, never the OS's text.
func TestTusDiskErrorText(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: staging})
	_, loc := tusCreate(t, base+"/", map[string]string{"filename": "x.txt"}, 3, nil)
	part := filepath.Join(staging, path.Base(loc)+".part")
	// A folder in its place: the upload is still found, but cannot be opened for writing.
	must(t, os.Remove(part))
	must(t, os.Mkdir(part, 0o700))
	resp, body := tusPatch(t, loc, 0, []byte("abc"))
	if resp.StatusCode < 400 || strings.Contains(string(body), ".part") || strings.Contains(string(body), staging) {
		t.Errorf("PATCH onto a folder: got %d %q, want an error without the OS's text", resp.StatusCode, body)
	}
}

// TestClashRules: one rule for the form, PUT and tus (shared/PRODUCT.md):
// the same content is "already there" (200, nothing written); other
// content lands as "name (1)" from the form, and is 409 by PUT.
func TestClashRules(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "original"})
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	resp, body := send(t, "PUT", base+"/a.txt", strings.NewReader("original"), nil)
	if resp.StatusCode != 200 || resp.Header.Get("Upload-Result") != "already there" || string(body) != "/a.txt\n" {
		t.Errorf("PUT, same content: got %d %q %q, want 200 already there", resp.StatusCode, resp.Header.Get("Upload-Result"), body)
	}
	if resp, _ := send(t, "PUT", base+"/a.txt", strings.NewReader("changed!"), nil); resp.StatusCode != 409 {
		t.Errorf("PUT, other content of the same size: got %d, want 409", resp.StatusCode)
	}
	resp, _ = postFiles(t, base+"/", nil, part{"a.txt", "original"})
	if resp.StatusCode != 200 || resp.Header.Get("Upload-Result") != "already there" || resp.Header.Get("Upload-Sha256") != sumHex([]byte("original")) {
		t.Errorf("form, same content: got %d %q, want 200 already there with its digest", resp.StatusCode, resp.Header.Get("Upload-Result"))
	}
	resp, _ = postFiles(t, base+"/", nil, part{"a.txt", "other"})
	if resp.StatusCode != 201 || resp.Header.Get("Upload-Result") != "renamed" {
		t.Errorf("form, other content: got %d %q, want 201 renamed", resp.StatusCode, resp.Header.Get("Upload-Result"))
	}
	checkDir(t, root, map[string]string{"a.txt": "original", "a (1).txt": "other"})
}

// TestTusOneRow: an upload resumed over several PATCH requests is one
// transfer, as a download's Range parts are, and it ends finished with
// its SHA-256.
func TestTusOneRow(t *testing.T) {
	root := t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: t.TempDir()})
	c := collect(t, tracker)
	data := randomBytes(1<<20 + 7)
	_, loc := tusCreate(t, base+"/", map[string]string{"filename": "row.bin"}, int64(len(data)), nil)
	tusCut(t, loc, 0, data, 300_000)
	if active := tracker.Snapshot().Transfers; len(active) != 1 || active[0].Kind != transfer.Upload || active[0].Path != "/row.bin" {
		t.Errorf("between two PATCHes: %d active transfers %+v, want the one upload", len(active), active)
	}
	_, offset, _ := tusHead(t, loc)
	tusPatch(t, loc, offset, data[offset:512<<10])
	tusPatch(t, loc, 512<<10, data[512<<10:])
	c.wait(t, "the upload to end", 10*time.Second, func(ends []transfer.Event, _ []*transfer.LogLine) bool { return len(ends) > 0 })
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ends) != 1 {
		t.Fatalf("%d transfers ended, want 1", len(c.ends))
	}
	s := c.ends[0].Transfer
	if s.Kind != transfer.Upload || s.State != transfer.Finished || !s.Complete || s.Bytes != int64(len(data)) || s.Sum != sumHex(data) {
		t.Errorf("the upload ended %s %s complete=%v with %d bytes and sum %q, want a finished, complete upload of %d bytes with its SHA-256",
			s.Kind, s.State, s.Complete, s.Bytes, s.Sum, len(data))
	}
}

// TestTusCleanAtExit: with CleanUploads, what was not complete when the
// server stops is removed; without it, it stays for a restart (TestTusRestart).
func TestTusCleanAtExit(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	tracker := transfer.New()
	defer tracker.Close()
	srv, err := fileserver.New(fileserver.Config{Root: root, Bind: "127.0.0.1", Upload: true, Staging: staging, CleanUploads: true, Grace: time.Second}, tracker)
	must(t, err)
	_, err = srv.Listen()
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	_, loc := tusCreate(t, "http://"+srv.Addr()+"/", map[string]string{"filename": "half.bin"}, 10, nil)
	tusPatch(t, loc, 0, []byte("half!"))
	if entries, _ := os.ReadDir(staging); len(entries) == 0 {
		t.Fatal("nothing in staging while the upload is half done")
	}
	cancel()
	must(t, <-ran)
	if entries, _ := os.ReadDir(staging); len(entries) != 0 {
		t.Errorf("staging holds %d entries after exit, want none", len(entries))
	}
	checkDir(t, root, map[string]string{})
}

// TestTusWholeCreationCut: a creation request that carries the whole file
// (creation-with-upload) lands in that request; cut short, it leaves
// nothing: tusd's error answer has no Location, so no client could resume.
func TestTusWholeCreationCut(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: staging})
	data := randomBytes(200_000)
	u, err := url.Parse(base)
	must(t, err)
	c, err := net.Dial("tcp", u.Host)
	must(t, err)
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nUpload-Length: %d\r\nUpload-Metadata: filename %s\r\n"+
		"Content-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n",
		u.Host, len(data), base64.StdEncoding.EncodeToString([]byte("whole.bin")), len(data))
	_, err = c.Write(data[:70_000])
	must(t, err)
	must(t, c.(*net.TCPConn).CloseWrite())
	readUntilClosed(t, c, 20*time.Second)
	c.Close()
	checkDir(t, staging, map[string]string{})
	checkDir(t, root, map[string]string{})
	resp, _ := send(t, "POST", base+"/", bytes.NewReader(data), http.Header{
		"Tus-Resumable": {"1.0.0"}, "Upload-Length": {strconv.Itoa(len(data))},
		"Upload-Metadata": {"filename " + base64.StdEncoding.EncodeToString([]byte("whole.bin"))},
		"Content-Type":    {"application/offset+octet-stream"}})
	if resp.StatusCode != 201 || resp.Header.Get("Upload-Result") != "created" || resp.Header.Get("Upload-Sha256") != sumHex(data) {
		t.Errorf("a whole creation: got %d %q", resp.StatusCode, resp.Header.Get("Upload-Result"))
	}
	checkDir(t, root, map[string]string{"whole.bin": string(data)})
	checkDir(t, staging, map[string]string{})
}

// TestPlainUploadTempHidden: the file of a PUT still arriving has no name
// in the folder (Linux), or a hidden one that is neither listed nor
// served, even with --hidden.
func TestPlainUploadTempHidden(t *testing.T) {
	root := t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Hidden: true})
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest("PUT", base+"/slow.bin", pr)
		req.ContentLength = 1 << 20
		if resp, err := testClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	pw.Write(make([]byte, 100_000))
	testkit.Eventually(t, 20*time.Second, "the PUT to be a transfer", func() bool { return len(tracker.Snapshot().Transfers) == 1 })
	var names []string
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	temp := ".shareit-upload-0123456789abcdef.part" // a name it could have
	switch {
	case fileserver.UnnamedTemps() && len(names) != 0:
		t.Fatalf("the folder holds %q, want nothing: the upload's file has no name yet", names)
	case !fileserver.UnnamedTemps() && (len(names) != 1 || !strings.HasPrefix(names[0], ".shareit-upload-")):
		t.Fatalf("the folder holds %q, want the upload's temporary file", names)
	case !fileserver.UnnamedTemps():
		temp = names[0]
	}
	if _, body := httpDo(t, "GET", base+"/?json", nil); strings.Contains(string(body), "shareit-upload") {
		t.Errorf("the listing shows the temporary file: %s", body)
	}
	if resp, _ := httpDo(t, "GET", base+"/"+temp, nil); resp.StatusCode != 404 {
		t.Errorf("GET of the temporary file: got %d, want 404", resp.StatusCode)
	}
	pw.Write(make([]byte, 1<<20-100_000))
	pw.Close()
	<-done
	checkDir(t, root, map[string]string{"slow.bin": string(make([]byte, 1<<20))})
}

// TestTusEmptyAndMode: an empty file lands whether or not its creation
// request carries its (empty) body, and a tus upload's file gets the mode a
// PUT's does.
func TestTusEmptyAndMode(t *testing.T) {
	root := t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: t.TempDir()})
	body := http.Header{"Content-Type": {"application/offset+octet-stream"}}
	for name, h := range map[string]http.Header{"empty.txt": nil, "empty-with-body.txt": body} {
		if resp, _ := tusCreate(t, base+"/", map[string]string{"filename": name}, 0, h); resp.StatusCode != 201 || resp.Header.Get("Upload-Result") != "created" {
			t.Errorf("%s: got %d %q, want 201 created", name, resp.StatusCode, resp.Header.Get("Upload-Result"))
		}
	}
	data := []byte("hello")
	_, loc := tusCreate(t, base+"/", map[string]string{"filename": "tus.txt"}, int64(len(data)), nil)
	if resp, _ := tusPatch(t, loc, 0, data); resp.StatusCode != 204 {
		t.Fatalf("PATCH: got %d", resp.StatusCode)
	}
	if resp, _ := send(t, "PUT", base+"/put.txt", bytes.NewReader(data), nil); resp.StatusCode != 201 {
		t.Fatalf("PUT: got %d", resp.StatusCode)
	}
	checkDir(t, root, map[string]string{"empty.txt": "", "empty-with-body.txt": "", "tus.txt": "hello", "put.txt": "hello"})
	put, err := os.Stat(filepath.Join(root, "put.txt"))
	must(t, err)
	for _, name := range []string{"empty.txt", "empty-with-body.txt", "tus.txt"} {
		fi, err := os.Stat(filepath.Join(root, name))
		must(t, err)
		if fi.Mode() != put.Mode() {
			t.Errorf("%s has mode %v, a PUT's file %v", name, fi.Mode(), put.Mode())
		}
	}
}
