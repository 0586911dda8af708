package fileserver_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shareit/fileserver"
	"shareit/transfer"
)

// TestBrowserOneFile: the page of a file shared alone, in Chromium: its
// name, size and a QR code show, and the button downloads the file under
// its own name.
func TestBrowserOneFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "talk #1.mkv")
	writePattern(t, file, 300<<10+5)
	writeTree(t, dir, map[string]string{"other.txt": "other\n"})
	_, _, base := startServer(t, fileserver.Config{Paths: []string{file}})
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/"))
	if got := eval[string](t, ctx, `document.querySelector("h1").textContent`); got != "talk #1.mkv" {
		t.Errorf("heading: got %q, want the file's name", got)
	}
	if got := eval[string](t, ctx, `document.querySelector(".meta").textContent`); !strings.HasPrefix(got, "300 KiB · ") {
		t.Errorf("size and type: got %q, want 300 KiB and a type", got)
	}
	if got := eval[float64](t, ctx, `document.querySelector(".qr svg").getBoundingClientRect().width`); got < 100 {
		t.Errorf("QR code: %v pixels wide, want one a phone can scan", got)
	}
	if got := eval[string](t, ctx, `document.querySelector(".qr a").href`); got != base+"/talk%20%231.mkv" {
		t.Errorf("QR link: got %q, want %q", got, base+"/talk%20%231.mkv")
	}
	name, body := download(t, ctx, "#get")
	want, _ := os.ReadFile(file)
	if name != "talk #1.mkv" || !bytes.Equal(body, want) {
		t.Errorf("download: got %q and %d bytes, want %q and the file's %d", name, len(body), "talk #1.mkv", len(want))
	}
}

// TestBrowserSeveral: the list of several shared paths, in Chromium: both
// folders named photos show, told apart; a click enters the second, whose
// breadcrumbs lead back to the list.
func TestBrowserSeveral(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"one/photos/a.jpg": "a", "two/photos/b.jpg": "b", "notes.txt": "n"})
	_, _, base := startServer(t, fileserver.Config{Paths: []string{filepath.Join(root, "one/photos"), filepath.Join(root, "two/photos"), filepath.Join(root, "notes.txt")}})
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/"))
	names := `[...document.querySelectorAll("td.n a")].map(a => a.textContent).join("|")`
	if got := eval[string](t, ctx, names); got != "photos/|photos (2)/|notes.txt" {
		t.Errorf("the list: got %q, want photos/|photos (2)/|notes.txt", got)
	}
	clickAndLoad(t, ctx, `a[href="./photos%20%282%29/"]`)
	if got := eval[string](t, ctx, names); got != "../|b.jpg" && got != "b.jpg" {
		t.Errorf("photos (2): got %q, want b.jpg", got)
	}
	clickAndLoad(t, ctx, "h1 a")
	if got := eval[string](t, ctx, `location.pathname + " " + document.querySelectorAll("td.n a").length`); got != "/ 3" {
		t.Errorf("back by the first crumb: got %q, want the list of 3 at /", got)
	}
}

// TestBrowserText: the page of a shared text, in Chromium: the text shows
// as text (markup in it is not run), the copy button copies, and the
// "send text" box delivers a text to the terminal's side.
func TestBrowserText(t *testing.T) {
	const text = "<img src=x onerror=alert(1)> password: hunter2"
	_, tracker, base := startServer(t, fileserver.Config{Text: text, Upload: true})
	sub := tracker.Subscribe(transfer.EventMessage)
	t.Cleanup(sub.Close)
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/"))
	if got := eval[string](t, ctx, `document.querySelector("pre").textContent`); got != text {
		t.Errorf("the text: got %q, want %q", got, text)
	}
	if got := eval[int](t, ctx, `document.querySelectorAll("img").length`); got != 0 {
		t.Errorf("the text's markup made %d elements", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(".copy")), chromedp.Poll[chromedp.Void](`document.querySelector(".copy").textContent === "Copied"`))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#msg"), "from the phone"))
	clickAndLoad(t, ctx, ".send button")
	ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventMessage })
	if ev.Message.Text != "from the phone" || ev.Message.Client != "127.0.0.1" {
		t.Errorf("message: got %+v", ev.Message)
	}
	if got := eval[string](t, ctx, `location.pathname`); got != "/" {
		t.Errorf("after sending: at %q, want back at /", got)
	}
}

// TestBrowserQRAction: on a folder's page, a file's QR action opens a page
// with the file's link as a code, whose button downloads the file.
func TestBrowserQRAction(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"docs/report #2.pdf": "%PDF-1.4\n", "docs/sub/x.txt": "x"})
	_, _, base := startServer(t, fileserver.Config{Root: root})
	ctx := tab(t, newBrowser(t))
	run(t, ctx, chromedp.Navigate(base+"/docs/"))
	if got := eval[int](t, ctx, `document.querySelectorAll("a.qr").length`); got != 1 {
		t.Errorf("QR actions: got %d, want 1 (files only)", got)
	}
	clickAndLoad(t, ctx, "a.qr")
	if got := eval[string](t, ctx, `document.querySelector(".qr a").href`); got != base+"/docs/report%20%232.pdf" {
		t.Errorf("the code's link: got %q", got)
	}
	if got := eval[float64](t, ctx, `document.querySelector(".qr svg").getBoundingClientRect().width`); got < 100 {
		t.Errorf("QR code: %v pixels wide", got)
	}
	name, body := download(t, ctx, "#get")
	if name != "report #2.pdf" || string(body) != "%PDF-1.4\n" {
		t.Errorf("download: got %q %q", name, body)
	}
}
