package fileserver_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// TestDrop: a drop box takes files by PUT and by the form's POST into the
// folder's top and tells the terminal of each; its page says where they
// go and lists nothing; every read (files, listings as JSON, archives,
// what was just sent), every other method and every subfolder is refused
// with a page that names nothing.
func TestDrop(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"private.txt": "secret", "sub/inner.txt": "x"})
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Drop: true})
	sub := tracker.Subscribe(transfer.EventNotice)
	defer sub.Close()

	r, body := httpDo(t, "GET", base+"/", nil)
	page := string(body)
	if r.StatusCode != 200 || !strings.Contains(page, "Send files") || !strings.Contains(page, filepath.Base(root)) || !strings.Contains(page, `type="file"`) {
		t.Errorf("the page: got %d %q, want the form and where files go", r.StatusCode, page)
	}
	if strings.Contains(page, "private") || strings.Contains(page, "inner") {
		t.Error("the drop page names a file")
	}

	if r, _ := send(t, "PUT", base+"/report.txt", strings.NewReader("hello"), nil); r.StatusCode != http.StatusCreated {
		t.Errorf("PUT: got %d, want 201", r.StatusCode)
	}
	ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Action == transfer.ActionDrop })
	if ev.Text != "received report.txt (5 B) from 127.0.0.1" {
		t.Errorf("arrival notice: %q", ev.Text)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "essay.md")
	fw.Write([]byte("# essay\n"))
	mw.Close()
	if r, _ := send(t, "POST", base+"/", &form, http.Header{"Content-Type": {mw.FormDataContentType()}}); r.StatusCode != http.StatusCreated {
		t.Errorf("POST: got %d, want 201", r.StatusCode)
	}
	waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
		return ev.Action == transfer.ActionDrop && strings.Contains(ev.Text, "essay.md")
	})
	for name, want := range map[string]string{"report.txt": "hello", "essay.md": "# essay\n"} {
		if b, err := os.ReadFile(filepath.Join(root, name)); err != nil || string(b) != want {
			t.Errorf("%s on disk: got %q (%v), want %q", name, b, err, want)
		}
	}

	for _, tt := range []struct{ method, path string }{
		{"GET", "/private.txt"}, {"HEAD", "/private.txt"}, {"GET", "/report.txt"}, {"GET", "/sub/"},
		{"GET", "/sub/inner.txt"}, {"GET", "/?json"}, {"GET", "/sub/?zip"}, {"PUT", "/sub/x.txt"},
		{"DELETE", "/report.txt"}, {"PROPFIND", "/"},
	} {
		r, body := send(t, tt.method, base+tt.path, strings.NewReader(""), nil)
		// Claiming to speak tus changes nothing of that.
		tr, tbody := send(t, tt.method, base+tt.path, strings.NewReader(""), http.Header{"Tus-Resumable": {"1.0.0"}})
		if tr.StatusCode != http.StatusForbidden && tt.path != "/?json" || strings.Contains(string(tbody), "private") || strings.Contains(string(tbody), "inner") {
			t.Errorf("%s %s with Tus-Resumable: got %d %.80q, want 403 (the page for /?json) naming nothing", tt.method, tt.path, tr.StatusCode, tbody)
		}
		if tt.path == "/?json" {
			if strings.Contains(string(body), "private") {
				t.Errorf("GET /?json: names a file")
			}
			continue
		}
		if r.StatusCode != http.StatusForbidden || (tt.method != "HEAD" && !strings.Contains(string(body), "drop box")) {
			t.Errorf("%s %s: got %d %q, want 403 saying it is a drop box", tt.method, tt.path, r.StatusCode, body)
		}
		if strings.Contains(string(body), "private") || strings.Contains(string(body), "inner") {
			t.Errorf("%s %s: the page names a file", tt.method, tt.path)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "sub", "x.txt")); err == nil {
		t.Error("PUT into a subfolder went through")
	}
}

// TestDropBrowser: Chromium sends a file through the drop page's form.
func TestDropBrowser(t *testing.T) {
	root := t.TempDir()
	_, _, base := startServer(t, fileserver.Config{Root: root, Drop: true})
	src := filepath.Join(t.TempDir(), "homework.pdf")
	if err := os.WriteFile(src, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/"), chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{src}))
	testkit.Eventually(t, 20*time.Second, "homework.pdf on disk", func() bool {
		b, err := os.ReadFile(filepath.Join(root, "homework.pdf"))
		return err == nil && string(b) == "%PDF-1.4\n"
	})
	waitBody(t, ctx, "Send files", "the drop page again after the upload")
}
