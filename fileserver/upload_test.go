package fileserver_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// part is one file of a multipart upload.
type part struct{ name, content string }

// multipartBody builds the form the page posts: one "file" field per file.
func multipartBody(t *testing.T, parts ...part) (body []byte, contentType string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		w, err := mw.CreateFormFile("file", p.name)
		must(t, err)
		io.WriteString(w, p.content)
	}
	must(t, mw.Close())
	return b.Bytes(), mw.FormDataContentType()
}

func postFiles(t *testing.T, url string, header http.Header, parts ...part) (*http.Response, []byte) {
	t.Helper()
	body, ctype := multipartBody(t, parts...)
	h := http.Header{"Content-Type": {ctype}}
	maps.Copy(h, header)
	return send(t, "POST", url, bytes.NewReader(body), h)
}

// dirFiles is every name in dir, hidden ones too, with its content
// ("/" for a folder).
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	m := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			m[e.Name()] = "/"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		must(t, err)
		m[e.Name()] = string(b)
	}
	return m
}

func checkDir(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	if got := dirFiles(t, dir); !maps.Equal(got, want) {
		t.Errorf("folder holds:\n%v\nwant:\n%v", summarize(got), summarize(want))
	}
}

func summarize(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "  %q: %.30q (%d bytes)\n", k, m[k], len(m[k]))
	}
	return b.String()
}

// TestUploadClients uploads with every client the product names: curl -F
// (one file and several), curl -T, the page's form without its script
// (303 back to the folder), and with it (JSON).
func TestUploadClients(t *testing.T) {
	curl := curlPath(t)
	src := t.TempDir()
	writeTree(t, src, map[string]string{"a.txt": "a from curl\n", "b c.txt": "b from curl\n", "d.bin": strings.Repeat("d", 300_000)})
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "in"), 0o755))
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	in := filepath.Join(root, "in")

	tests := []struct {
		name string
		do   func(t *testing.T) (status int, body string)
		want map[string]string // new files in "in"
		body string            // wanted answer, when not ""
	}{
		{"curl -F", func(t *testing.T) (int, string) {
			return curlStatus(t, curl, "-F", "file=@"+filepath.Join(src, "a.txt"), base+"/in/")
		}, map[string]string{"a.txt": "a from curl\n"}, "/in/a.txt\n"},
		{"curl -F several, other field name", func(t *testing.T) (int, string) {
			return curlStatus(t, curl, "-F", "upload=@"+filepath.Join(src, "b c.txt"), "-F", "x=@"+filepath.Join(src, "d.bin"), base+"/in")
		}, map[string]string{"b c.txt": "b from curl\n", "d.bin": strings.Repeat("d", 300_000)}, "/in/b%20c.txt\n/in/d.bin\n"},
		{"curl -T to the folder", func(t *testing.T) (int, string) {
			return curlStatus(t, curl, "-T", filepath.Join(src, "b c.txt"), base+"/in/")
		}, map[string]string{"b c.txt": "b from curl\n"}, "/in/b%20c.txt\n"},
		{"curl -T to a new name", func(t *testing.T) (int, string) {
			return curlStatus(t, curl, "-T", filepath.Join(src, "d.bin"), base+"/in/new%20name%20%E2%98%95.bin")
		}, map[string]string{"new name ☕.bin": strings.Repeat("d", 300_000)}, "/in/new%20name%20%E2%98%95.bin\n"},
		{"form without script", func(t *testing.T) (int, string) {
			resp, body := postFiles(t, base+"/in/?sort=size", http.Header{"Accept": {"text/html,application/xhtml+xml,*/*;q=0.8"}},
				part{"page.txt", "from the page\n"}, part{"two.txt", "second\n"})
			if loc := resp.Header.Get("Location"); resp.StatusCode == 303 && loc != "/in/" {
				t.Errorf("Location: got %q, want /in/", loc)
			}
			return resp.StatusCode, string(body)
		}, map[string]string{"page.txt": "from the page\n", "two.txt": "second\n"}, ""},
		{"script (JSON)", func(t *testing.T) (int, string) {
			resp, body := postFiles(t, base+"/in/", http.Header{"Accept": {"application/json"}}, part{"js.txt", "from the script\n"})
			return resp.StatusCode, string(body)
		}, map[string]string{"js.txt": "from the script\n"}, `[{"name":"js.txt","size":16,"url":"/in/js.txt","result":"created","sha256":"` +
			sumHex([]byte("from the script\n")) + `"}]` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			must(t, os.RemoveAll(in))
			must(t, os.Mkdir(in, 0o755))
			status, body := tc.do(t)
			want := 201
			if tc.name == "form without script" {
				want = 303
			}
			if status != want {
				t.Fatalf("got status %d, want %d\n%s", status, want, body)
			}
			if tc.body != "" && body != tc.body {
				t.Errorf("answer: got %q, want %q", body, tc.body)
			}
			checkDir(t, in, tc.want)
		})
	}
}

// curlStatus runs curl and returns the status and the body.
func curlStatus(t *testing.T, curl string, args ...string) (int, string) {
	t.Helper()
	args = append([]string{"-sS", "--max-time", "30", "-w", "\n%{http_code}"}, args...)
	out, err := exec.Command(curl, args...).Output()
	if err != nil {
		t.Fatalf("curl %q: %v", args, err)
	}
	i := bytes.LastIndexByte(out, '\n')
	status, _ := strconv.Atoi(string(out[i+1:]))
	return status, string(out[:max(i, 0)])
}

// TestUploadNoOverwrite: the form renames a clash, PUT refuses one, and
// the file that was there stays as it was.
func TestUploadNoOverwrite(t *testing.T) {
	root := t.TempDir()
	orig := map[string]string{"a.txt": "original\n", "b.tar.gz": "original tgz", "dir/x": "x"}
	writeTree(t, root, orig)
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	want := map[string]string{"a.txt": "original\n", "b.tar.gz": "original tgz", "dir": "/"}

	for i, name := range []string{"a (1).txt", "a (2).txt"} {
		resp, body := postFiles(t, base+"/", nil, part{"a.txt", fmt.Sprint("upload ", i)})
		if resp.StatusCode != 201 || string(body) != "/"+strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(name, " ", "%20"), "(", "%28"), ")", "%29")+"\n" {
			t.Errorf("POST a.txt: got %d %q, want 201 and %q", resp.StatusCode, body, name)
		}
		want[name] = fmt.Sprint("upload ", i)
	}
	resp, _ := postFiles(t, base+"/", nil, part{"b.tar.gz", "new tgz"}, part{"b.tar.gz", "newer tgz"})
	if resp.StatusCode != 201 {
		t.Errorf("POST b.tar.gz twice: got %d, want 201", resp.StatusCode)
	}
	want["b (1).tar.gz"], want["b (2).tar.gz"] = "new tgz", "newer tgz"

	for _, path := range []string{"/a.txt", "/dir", "/b.tar.gz"} {
		resp, body := send(t, "PUT", base+path, strings.NewReader("overwrite!"), nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "never replaces") {
			t.Errorf("PUT %s: got %d, want 409 saying why", path, resp.StatusCode)
		}
	}
	checkDir(t, root, want)
	if b, _ := os.ReadFile(filepath.Join(root, "dir", "x")); string(b) != "x" {
		t.Errorf("dir/x: got %q", b)
	}
}

// TestUploadNames: names are cleaned of paths and control characters;
// dotfiles, empty and dot-dot names are refused.
func TestUploadNames(t *testing.T) {
	root := t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	rootHidden := t.TempDir()
	_, _, baseHidden := startServer(t, fileserver.Config{Root: rootHidden, Upload: true, Hidden: true})
	tests := []struct {
		name   string
		sent   string
		hidden bool
		status int
		saved  string
	}{
		{"plain", "report.pdf", false, 201, "report.pdf"},
		{"unicode", "café ☕.txt", false, 201, "café ☕.txt"},
		{"odd characters", "a&b;c #1?%.txt", false, 201, "a&b;c #1?%.txt"},
		{"unix path", "../../etc/passwd", false, 201, "passwd"},
		{"windows path", `C:\Users\ana\report.pdf`, false, 201, "report (1).pdf"}, // after "plain"
		{"control characters", "tab\there\u0085.txt", false, 201, "tabhere.txt"},
		{"malformed form", "bad\x01.txt", false, 400, ""},
		{"bidi override", "\u202egnp.exe", false, 201, "gnp.exe"},
		{"spaces around", "  spaced.txt  ", false, 201, "spaced.txt"},
		{"dotfile", ".env", false, 400, ""},
		{"dotfile, --hidden", ".env", true, 201, ".env"},
		{"dot-dot", "..", false, 400, ""},
		{"only a path", "/", false, 400, ""},
		{"too long", strings.Repeat("n", 300), false, 400, ""},
		// Names Windows could not hold, refused on every OS.
		{"device name", "nul.txt", false, 400, ""},
		{"device name, any case", "Com1.log", false, 400, ""},
		{"alternate stream", "x.txt::$DATA", false, 400, ""},
		{"colon", "x:stream", false, 400, ""},
		{"trailing dot", "report.", false, 400, ""},
		{"Windows' own file", "Thumbs.db", false, 400, ""},
		{"Windows' own file, any case", "DESKTOP.INI", false, 400, ""},
		{"Windows' own file, --hidden", "desktop.ini", true, 201, "desktop.ini"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, url := root, base
			if tc.hidden {
				dir, url = rootHidden, baseHidden
			}
			before := dirFiles(t, dir)
			// Content of its own: the same as a file there would be "already there".
			resp, body := postFiles(t, url+"/", nil, part{tc.sent, "content of " + tc.name})
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d %q, want %d", resp.StatusCode, body, tc.status)
			}
			after := dirFiles(t, dir)
			if tc.saved == "" {
				if !maps.Equal(before, after) {
					t.Errorf("the folder changed: %v", summarize(after))
				}
				if !strings.Contains(string(body), `<p class="msg">`) {
					t.Errorf("the refusal says not why:\n%s", body)
				}
				return
			}
			if after[tc.saved] != "content of "+tc.name {
				t.Errorf("got files %v, want %q", summarize(after), tc.saved)
			}
		})
	}

	// PUT names the file itself: a name that would need cleaning is refused.
	for _, path := range []string{"/tab%09name.txt", "/.env", "/sub%2F..%2Fx", "/%2e%2e/x", "/nofolder/x.txt", "/"} {
		resp, _ := send(t, "PUT", base+path, strings.NewReader("content"), nil)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("PUT %s: got %d, want a 4xx refusal", path, resp.StatusCode)
		}
	}
}

// TestUploadWhere: uploads land through os.Root, by the same rules as
// reading: never outside the root, unless links out are followed.
func TestUploadWhere(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "real", "deep"), 0o755))
	must(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	must(t, os.Symlink("real/deep", filepath.Join(root, "link-in")))
	must(t, os.Symlink(outside, filepath.Join(root, "link-out")))
	tests := []struct {
		name   string
		follow bool
		path   string
		status int
		lands  string // where the file is, "" for nowhere
	}{
		{"subfolder", false, "/real/deep/f.txt", 201, "real/deep/f.txt"},
		{"link inside", false, "/link-in/g.txt", 201, "real/deep/g.txt"},
		{"link out", false, "/link-out/h.txt", 403, ""},
		{"link out, followed", true, "/link-out/i.txt", 201, "OUT/i.txt"},
		{"dot folder", false, "/.git/j.txt", 404, ""},
		{"missing folder", false, "/nope/k.txt", 404, ""},
		{"below a file", false, "/real/deep/f.txt/l.txt", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, FollowSymlinks: tc.follow})
			resp, body := send(t, "PUT", base+tc.path, strings.NewReader(tc.name), nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("PUT %s: got %d %s, want %d", tc.path, resp.StatusCode, body, tc.status)
			}
			if tc.lands != "" {
				p := filepath.Join(root, tc.lands)
				if strings.HasPrefix(tc.lands, "OUT/") {
					p = filepath.Join(outside, strings.TrimPrefix(tc.lands, "OUT/"))
				}
				if b, err := os.ReadFile(p); err != nil || string(b) != tc.name {
					t.Errorf("%s: got %q, %v", tc.lands, b, err)
				}
			}
		})
	}
	if got := dirFiles(t, outside); len(got) != 1 {
		t.Errorf("outside the root: %v, want only the followed upload", summarize(got))
	}
}

// TestUploadLimit: --max-upload refuses a body past it with 413, up front
// when Content-Length says so and while streaming when it does not, and
// leaves nothing behind.
func TestUploadLimit(t *testing.T) {
	root := t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, MaxUpload: 1000})
	body, ctype := multipartBody(t, part{"big.txt", strings.Repeat("m", 2000)})
	tests := []struct {
		name   string
		method string
		body   io.Reader
		header http.Header
		status int
	}{
		{"PUT at the limit", "PUT", strings.NewReader(strings.Repeat("x", 1000)), nil, 201},
		{"PUT with a Content-Length past it", "PUT", strings.NewReader(strings.Repeat("x", 1001)), nil, 413},
		{"PUT chunked past it", "PUT", io.MultiReader(strings.NewReader(strings.Repeat("y", 100_000))), nil, 413},
		{"POST past it", "POST", bytes.NewReader(body), http.Header{"Content-Type": {ctype}}, 413},
		{"POST chunked past it", "POST", io.MultiReader(bytes.NewReader(body)), http.Header{"Content-Type": {ctype}}, 413},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := base + "/"
			if tc.method == "PUT" {
				url += fmt.Sprintf("f%d.txt", i)
			}
			before := dirFiles(t, root)
			resp, answer := send(t, tc.method, url, tc.body, tc.header)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d", resp.StatusCode, tc.status)
			}
			after := dirFiles(t, root)
			if tc.status == 413 {
				if !maps.Equal(before, after) {
					t.Errorf("a refused upload left %v", summarize(after))
				}
				if !strings.Contains(string(answer), "1000 B") {
					t.Errorf("413 page does not name the limit:\n%s", answer)
				}
			} else if len(after) != len(before)+1 {
				t.Errorf("got %v, want one more file", summarize(after))
			}
		})
	}
}

// TestUploadsToggle: uploads are off by default (405, Allow: GET, HEAD,
// nothing changes), SetUploads turns them on and off live, and the page
// offers the form only while they are on.
func TestUploadsToggle(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "a"})
	srv, _, base := startServer(t, fileserver.Config{Root: root})
	steps := []struct {
		on     bool
		status int
		allow  string
	}{{false, 405, "GET, HEAD"}, {true, 201, "GET, HEAD, POST, PUT"}, {false, 405, "GET, HEAD"}}
	for i, step := range steps {
		srv.SetUploads(step.on)
		if srv.Uploads() != step.on {
			t.Fatalf("Uploads: got %t, want %t", srv.Uploads(), step.on)
		}
		resp, _ := send(t, "PUT", base+fmt.Sprintf("/new%d.txt", i), strings.NewReader("new"), nil)
		if resp.StatusCode != step.status {
			t.Errorf("uploads %t: PUT got %d, want %d", step.on, resp.StatusCode, step.status)
		}
		resp, _ = send(t, "DELETE", base+"/a.txt", nil, nil)
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != step.allow {
			t.Errorf("uploads %t: DELETE got %d Allow %q, want 405 Allow %q", step.on, resp.StatusCode, resp.Header.Get("Allow"), step.allow)
		}
		_, page := httpDo(t, "GET", base+"/", nil)
		if got := strings.Contains(string(page), `<form class="up"`); got != step.on {
			t.Errorf("uploads %t: page has the upload form: %t", step.on, got)
		}
	}
	want := map[string]string{"a.txt": "a", "new1.txt": "new"}
	checkDir(t, root, want)
}

// TestUploadInProgress: an upload is a transfer with its size and path,
// held back while paused, never visible under its name until complete,
// and logged; one cut off or cancelled leaves nothing.
func TestUploadInProgress(t *testing.T) {
	root := t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true})
	const size = 1 << 20
	data := bytes.Repeat([]byte("u"), size)

	t.Run("paused, then resumed", func(t *testing.T) {
		sub := tracker.Subscribe()
		defer sub.Close()
		tracker.Pause()
		done := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest("PUT", base+"/up%20load.bin", bytes.NewReader(data))
			resp, err := testClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
		started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
		if s := started.Transfer; s.Kind != transfer.Upload || s.Size != size || s.Path != "/up load.bin" {
			t.Errorf("started: kind %v size %d path %q, want upload of %d at /up load.bin", s.Kind, s.Size, s.Path, size)
		}
		// While it waits: not under its name, not in the listing; on disk
		// a file with no name (Linux), or only a hidden temporary file.
		files := dirFiles(t, root)
		if fileserver.UnnamedTemps() {
			if len(files) != 0 {
				t.Errorf("while paused the folder holds %v, want nothing", summarize(files))
			}
		} else if _, ok := files["up load.bin"]; ok || len(files) != 1 {
			t.Errorf("while paused the folder holds %v, want only a hidden temporary file", summarize(files))
		}
		for name := range files {
			if !strings.HasPrefix(name, ".") {
				t.Errorf("visible name %q while paused", name)
			}
		}
		if _, body := httpDo(t, "GET", base+"/?json", nil); string(body) != "[]\n" {
			t.Errorf("listing while paused: %s, want []", body)
		}
		tracker.Resume()
		if status := <-done; status != 201 {
			t.Fatalf("PUT: got %d, want 201", status)
		}
		end := waitEvent(t, sub, 10*time.Second, ended)
		if end.Kind != transfer.EventFinished || end.Transfer.Bytes != size {
			t.Errorf("end: %v with %d bytes, want finished with %d", end.Kind, end.Transfer.Bytes, size)
		}
		logged := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		if l := logged.Log; l.Method != "PUT" || l.Status != 201 || l.URI != "/up%20load.bin" {
			t.Errorf("log line: %s %s %d, want PUT /up%%20load.bin 201", l.Method, l.URI, l.Status)
		}
		checkDir(t, root, map[string]string{"up load.bin": string(data)})
		must(t, os.Remove(filepath.Join(root, "up load.bin")))
	})

	t.Run("chunked", func(t *testing.T) {
		sub := tracker.Subscribe()
		defer sub.Close()
		resp, _ := send(t, "PUT", base+"/chunked.bin", io.MultiReader(bytes.NewReader(data)), nil)
		if resp.StatusCode != 201 {
			t.Fatalf("got %d, want 201", resp.StatusCode)
		}
		started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
		if started.Transfer.Size != -1 {
			t.Errorf("size of a chunked upload: got %d, want -1", started.Transfer.Size)
		}
		if end := waitEvent(t, sub, 10*time.Second, ended); end.Kind != transfer.EventFinished || end.Transfer.Bytes != size {
			t.Errorf("end: %v with %d bytes, want finished with %d", end.Kind, end.Transfer.Bytes, size)
		}
		must(t, os.Remove(filepath.Join(root, "chunked.bin")))
	})

	t.Run("cut off", func(t *testing.T) {
		sub := tracker.Subscribe()
		defer sub.Close()
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		must(t, err)
		fmt.Fprintf(c, "PUT /cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", size)
		c.Write(data[:size/2])
		waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
		c.Close()
		if end := waitEvent(t, sub, 10*time.Second, ended); end.Kind != transfer.EventFailed {
			t.Errorf("end: %v, want failed", end.Kind)
		}
		logged := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
		if logged.Log.Status != 400 {
			t.Errorf("logged status %d, want 400", logged.Log.Status)
		}
		checkDir(t, root, map[string]string{})
	})

	t.Run("cancelled", func(t *testing.T) {
		sub := tracker.Subscribe()
		defer sub.Close()
		tracker.Pause()
		defer tracker.Resume()
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequest("POST", base+"/", nil)
			body, ctype := multipartBody(t, part{"cancel.bin", string(data)})
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			req.Header.Set("Content-Type", ctype)
			resp, err := testClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
		if !tracker.Cancel(started.Transfer.ID) {
			t.Fatal("Cancel: not active")
		}
		if end := waitEvent(t, sub, 10*time.Second, ended); end.Kind != transfer.EventCancelled {
			t.Errorf("end: %v, want cancelled", end.Kind)
		}
		<-done
		checkDir(t, root, map[string]string{})
	})
}
