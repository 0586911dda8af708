package fileserver_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// count is how many log lines of c are method requests answered with
// status (any status if 0).
func (c *collector) count(method string, status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range c.logs {
		if l.Method == method && (status == 0 || l.Status == status) {
			n++
		}
	}
	return n
}

// setOffline takes the tab's network away, or gives it back, as the
// DevTools' "Offline" does: requests in flight fail, new ones cannot start,
// and navigator.onLine says so.
func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		rules := []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// cutProxy stands between the browser and the server as a Wi-Fi would:
// cut drops every connection and refuses new ones until restore.
type cutProxy struct {
	ln     net.Listener
	down   atomic.Bool
	mu     sync.Mutex
	target string // guarded by mu
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.down.Load() {
			c.Close()
			continue
		}
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		s, err := net.Dial("tcp", target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer p.wg.Done()
			io.Copy(dst, src)
			dst.Close()
			src.Close()
		}
		go pipe(s, c)
		go pipe(c, s)
	}
}

func (p *cutProxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *cutProxy) restore() { p.down.Store(false) }

// retarget sends connections to another server: the open ones (a
// browser's keep-alive connections to the old one) are dropped.
func (p *cutProxy) retarget(target string) {
	p.mu.Lock()
	p.target = target
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
}

// acceptDialogs accepts the page's dialogs (the question before leaving a
// page mid-upload) and counts them.
func acceptDialogs(t *testing.T, ctx context.Context) *atomic.Int32 {
	n := new(atomic.Int32)
	opened := make(chan struct{}, 4)
	must(t, chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			select {
			case opened <- struct{}{}:
			default:
			}
		}
	}))
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-opened:
				n.Add(1)
				chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}
		}
	}()
	return n
}

// longTab is tab with time for a slow upload.
func longTab(t *testing.T, browserCtx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

// waitPage polls js in the page until it is true.
func waitPage(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v\nthe page says: %s", what, err, eval[string](t, ctx, `document.querySelector("form.up").innerText`))
	}
}

// TestBrowserResumable: the page uploads through tus-js-client; the
// network goes away mid-upload and comes back, the page is reloaded and
// the file picked again, and each time the upload continues from the bytes
// the server has, to one file with the bytes sent and its SHA-256 shown.
func TestBrowserResumable(t *testing.T) {
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "in"), 0o755))
	// A bandwidth cap keeps the upload running long enough to cut it.
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Rate: 2 << 20, Staging: t.TempDir()})
	rq := collect(t, tracker)
	proxy := newCutProxy(t, strings.TrimPrefix(base, "http://"))
	base = "http://" + proxy.ln.Addr().String()
	browserCtx := newBrowser(t)
	src := t.TempDir()
	const size = 6<<20 + 123
	data := randomBytes(size)
	for _, name := range []string{"offline.bin", "reload.bin"} {
		must(t, os.WriteFile(filepath.Join(src, name), data, 0o644))
	}
	progress := `(() => { const p = document.querySelector("form.up li progress"); return p ? p.value : 0 })()`
	state := `document.querySelector("form.up li .state").textContent`

	t.Run("offline and back", func(t *testing.T) {
		ctx := longTab(t, browserCtx)
		posts := rq.count("POST", 201)
		run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/in/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{filepath.Join(src, "offline.bin")}))
		waitPage(t, ctx, "a fifth sent", progress+` > 0.2`)
		if !eval[bool](t, ctx, `(() => { const e = new Event("beforeunload", {cancelable: true}); dispatchEvent(e); return e.defaultPrevented })()`) {
			t.Error("leaving the page mid-upload does not ask first")
		}
		// The network goes: the browser says so, and the connection is cut.
		setOffline(t, ctx, true)
		proxy.cut()
		waitPage(t, ctx, "the page to say the upload stalled", state+`.startsWith("stalled")`)
		proxy.restore()
		setOffline(t, ctx, false)
		waitPage(t, ctx, "the upload to land", state+`.startsWith("done")`)
		if got := eval[string](t, ctx, state); !strings.Contains(got, sumHex(data)) || !strings.Contains(got, "resumed after a break") {
			t.Errorf("the page says %q, want the SHA-256 %s and that it resumed", got, sumHex(data))
		}
		if got, _ := os.ReadFile(filepath.Join(root, "in", "offline.bin")); string(got) != string(data) {
			t.Errorf("offline.bin: %d bytes, not those sent", len(got))
		}
		if n := rq.count("POST", 201) - posts; n != 1 {
			t.Errorf("%d uploads were created, want 1: it resumed, not restarted", n)
		}
	})

	t.Run("reloaded and picked again", func(t *testing.T) {
		ctx := longTab(t, browserCtx)
		posts, heads := rq.count("POST", 201), rq.count("HEAD", 200)
		file := filepath.Join(src, "reload.bin")
		run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/in/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}))
		waitPage(t, ctx, "a third sent", progress+` > 0.33`)
		dialogs := acceptDialogs(t, ctx)
		run(t, ctx, chromedp.Navigate(base+"/in/"))
		t.Logf("%d dialogs", dialogs.Load())
		if _, err := os.Stat(filepath.Join(root, "in", "reload.bin")); err == nil {
			t.Fatal("reload.bin landed before it was complete")
		}
		run(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}))
		waitPage(t, ctx, "the upload to land", state+`.startsWith("done")`)
		if got, _ := os.ReadFile(filepath.Join(root, "in", "reload.bin")); string(got) != string(data) {
			t.Errorf("reload.bin: %d bytes, not those sent", len(got))
		}
		if n := rq.count("POST", 201) - posts; n != 1 {
			t.Errorf("%d uploads were created, want 1: it resumed, not restarted", n)
		}
		if rq.count("HEAD", 200) == heads {
			t.Error("no HEAD asked the server where to resume")
		}
		// The result stays on screen.
		if got := eval[string](t, ctx, state); !strings.HasPrefix(got, "done") {
			t.Errorf("the page says %q, want done", got)
		}
	})

	t.Run("cancel and retry", func(t *testing.T) {
		ctx := longTab(t, browserCtx)
		// Big enough that the cancel comes long before the last byte, whatever
		// the buffers on the way hold.
		big := randomBytes(40 << 20)
		file := filepath.Join(src, "cancel.bin")
		must(t, os.WriteFile(file, big, 0o644))
		deletes := rq.count("DELETE", 0)
		run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/in/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}))
		waitPage(t, ctx, "some of it sent", progress+` > 0.1`)
		run(t, ctx, chromedp.Click(chromedp.CSS(`form.up li button`)))
		waitPage(t, ctx, "the page to say cancelled", state+` == "cancelled"`)
		testkit.Eventually(t, 20*time.Second, "the server to drop the upload", func() bool { return rq.count("DELETE", 204) > deletes })
		if _, err := os.Stat(filepath.Join(root, "in", "cancel.bin")); err == nil {
			t.Error("the cancelled upload landed")
		}
		if !eval[bool](t, ctx, `[...document.querySelectorAll("form.up li button")].some(b => b.textContent == "Retry" && !b.hidden)`) {
			t.Error("a cancelled upload offers no retry")
		}
		run(t, ctx, chromedp.Click(chromedp.CSS(`form.up li button:not([hidden])`)))
		waitPage(t, ctx, "the retried upload to land", state+`.startsWith("done")`)
		if got, _ := os.ReadFile(filepath.Join(root, "in", "cancel.bin")); string(got) != string(big) {
			t.Errorf("cancel.bin after the retry: %d bytes, not those sent", len(got))
		}
	})

	t.Run("a folder", func(t *testing.T) {
		ctx := longTab(t, browserCtx)
		album := filepath.Join(t.TempDir(), "album")
		writeTree(t, album, map[string]string{"a.txt": "a", "2024/b.txt": "bb"})
		run(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/in/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[webkitdirectory]`), []string{album}))
		waitPage(t, ctx, "both files to land", `[...document.querySelectorAll("form.up li .state")].filter(s => s.textContent.startsWith("done")).length == 2`)
		for name, want := range map[string]string{"album/a.txt": "a", "album/2024/b.txt": "bb"} {
			if got, _ := os.ReadFile(filepath.Join(root, "in", filepath.FromSlash(name))); string(got) != want {
				t.Errorf("%s holds %q, want %q", name, got, want)
			}
		}
	})

	t.Run("tap targets on a phone", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		must(t, os.MkdirAll(filepath.Join(root, "in", "sub"), 0o755))
		run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/in/"))
		small := eval[[]string](t, ctx, `[...document.querySelectorAll("a, button, input, tbody tr")]
			.filter(e => e.offsetParent !== null)
			.map(e => [e, e.getBoundingClientRect()])
			.filter(([e, r]) => r.height < 44 || r.width < 44)
			.map(([e, r]) => e.tagName + " " + (e.textContent || e.type).trim() + ": " + Math.round(r.width) + "x" + Math.round(r.height))`)
		if len(small) > 0 {
			t.Errorf("tap targets smaller than 44x44 px at 390x844: %q", small)
		}
		// A whole row leads to its file, not only its name.
		if got := eval[string](t, ctx, `(() => { const r = document.querySelector("tbody tr:not(.u) td.m").getBoundingClientRect(); const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return e.closest("a") ? e.closest("a").textContent : e.tagName })()`); got == "" || got == "TD" {
			t.Errorf("tapping a row's date hits %q, want its link", got)
		}
		if got := eval[string](t, ctx, `document.querySelector("form.up .how").textContent`); strings.Contains(got, "Drop") {
			t.Errorf("a touch screen is told %q", got)
		}
	})

	t.Run("shareit restarts", func(t *testing.T) {
		staging := t.TempDir()
		start := func() (string, *collector, func()) {
			tracker := transfer.New()
			srv, err := fileserver.New(fileserver.Config{Root: root, Bind: "127.0.0.1", Upload: true, Rate: 2 << 20, Staging: staging, Grace: time.Second}, tracker)
			must(t, err)
			_, err = srv.Listen()
			must(t, err)
			c := collect(t, tracker)
			ctx, cancel := context.WithCancel(context.Background())
			ran := make(chan error, 1)
			go func() { ran <- srv.Run(ctx) }()
			return srv.Addr(), c, func() {
				cancel()
				if err := <-ran; err != nil {
					t.Errorf("Run: %v", err)
				}
				tracker.Close()
			}
		}
		addr, first, stop := start()
		proxy.retarget(addr)
		must(t, os.WriteFile(filepath.Join(src, "restart.bin"), data, 0o644))
		ctx := longTab(t, browserCtx)
		run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/in/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{filepath.Join(src, "restart.bin")}))
		waitPage(t, ctx, "a fifth sent", progress+` > 0.2`)
		stop() // shareit quits mid-upload...
		proxy.cut()
		waitPage(t, ctx, "the page to say the upload stalled", state+`.startsWith("stalled")`)
		addr, second, stop2 := start() // ...and is started again
		defer stop2()
		proxy.retarget(addr)
		proxy.restore()
		defer func() {
			if t.Failed() {
				for _, c := range []*collector{first, second} {
					c.mu.Lock()
					for _, l := range c.logs {
						t.Logf("%s %s %d", l.Method, l.URI, l.Status)
					}
					c.mu.Unlock()
				}
			}
		}()
		waitPage(t, ctx, "the upload to land", state+`.startsWith("done")`)
		if got, _ := os.ReadFile(filepath.Join(root, "in", "restart.bin")); string(got) != string(data) {
			t.Errorf("restart.bin: %d bytes, not those sent", len(got))
		}
		if n := first.count("POST", 201) + second.count("POST", 201); n != 1 {
			t.Errorf("%d uploads were created, want 1: it resumed, not restarted", n)
		}
		if second.count("PATCH", 204) == 0 {
			t.Error("the restarted server took no PATCH: nothing resumed there")
		}
	})
}

// TestBrowserDroppedFolder: a folder dropped where the browser gives no
// folder entries arrives as a typeless file of a multiple of 4 KiB; the
// page says to choose the folder with the button and sends nothing, where
// it once sent a bogus 4 KiB file.
func TestBrowserDroppedFolder(t *testing.T) {
	root := t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: t.TempDir()})
	rq := collect(t, tracker)
	ctx := longTab(t, newBrowser(t))
	run(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/"))
	// A synthetic drop: its items have no file-system entries, as in a
	// browser without the entries API.
	eval[bool](t, ctx, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([new Uint8Array(4096)], "photos"));
		return document.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`)
	waitPage(t, ctx, "the page to say a folder cannot be dropped", `document.querySelector("form.up li") !== null && document.querySelector("form.up li").textContent.includes("folders cannot be dropped in this browser")`)
	if n := rq.count("POST", 201); n != 0 {
		t.Errorf("%d uploads were made of a dropped folder, want none", n)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("the folder holds %d entries after a dropped folder, want none", len(entries))
	}
}

// TestBrowserDropFolder: a folder tree on disk and a file beside it are
// dragged onto the page by Chromium itself (Input.dispatchDragEvent with
// their paths, as the OS hands a drag to the browser), so the page gets
// real folder entries; every file lands under its relative path with the
// bytes it has on disk, and the page says each is done.
func TestBrowserDropFolder(t *testing.T) {
	root, staging := t.TempDir(), t.TempDir()
	_, tracker, base := startServer(t, fileserver.Config{Root: root, Upload: true, Staging: staging})
	rq := collect(t, tracker)
	ctx := longTab(t, newBrowser(t))

	src := t.TempDir()
	files := map[string][]byte{
		"album/a.jpg":            randomBytes(3<<10 + 1),
		"album/sub/b.txt":        []byte("a note in a sub-folder\n"),
		"album/sub/deeper/c.bin": randomBytes(300<<10 + 7),
		"notes.txt":              []byte("dropped beside the folder\n"),
	}
	// More than the 100 entries Chromium gives per readEntries call: the
	// page must read a folder until it says there is no more.
	for i := range 101 {
		files[fmt.Sprintf("album/burst/%03d.jpg", i)] = fmt.Appendf(nil, "frame %d", i)
	}
	for name, b := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, b, 0o644))
	}
	// An empty folder has no file to send: the page sends files only, so
	// it is not made on the server.
	must(t, os.Mkdir(filepath.Join(src, "album", "empty"), 0o755))

	run(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/"))
	// What the browser hands the page, seen before the page's own listener.
	eval[bool](t, ctx, `(() => {
		window.droppedEntries = null;
		document.addEventListener("drop", e => {
			window.droppedEntries = [...e.dataTransfer.items].map(it => {
				const en = it.webkitGetAsEntry();
				return en ? (en.isDirectory ? "dir " : "file ") + en.fullPath : "none";
			});
		}, true);
		return true;
	})()`)
	at := eval[[]float64](t, ctx, `(() => {
		const f = document.querySelector("form.up");
		f.scrollIntoView({block: "center"});
		const r = f.getBoundingClientRect();
		const x = r.x + r.width / 2, y = r.y + r.height / 2;
		return document.elementFromPoint(x, y).closest("form.up") ? [x, y] : [];
	})()`)
	if len(at) != 2 {
		t.Fatal("the middle of the upload form is covered by something else")
	}
	drag := func(typ input.DispatchDragEventType) {
		t.Helper()
		data := &input.DragData{
			Items:              []*input.DragDataItem{},
			Files:              []string{filepath.Join(src, "album"), filepath.Join(src, "notes.txt")},
			DragOperationsMask: 1, // copy
		}
		run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: at[0], Y: at[1], Data: data})
			return err
		}))
	}
	drag(input.DispatchDragEventTypeDragEnter)
	drag(input.DispatchDragEventTypeDragOver)
	waitPage(t, ctx, "the form to show it takes the drop", `document.querySelector("form.up").classList.contains("drag")`)
	drag(input.DispatchDragEventTypeDrop)

	waitPage(t, ctx, "the drop to reach the page", `window.droppedEntries !== null`)
	if got, want := eval[[]string](t, ctx, `window.droppedEntries`), []string{"dir /album", "file /notes.txt"}; !slices.Equal(got, want) {
		t.Fatalf("the browser gave the page the entries %q, want %q", got, want)
	}
	// The page offers to show the folder once nothing is left to send.
	waitPage(t, ctx, "the page to finish the drop", `document.querySelector("form.up li.more") !== null`)
	if eval[bool](t, ctx, `document.querySelector("form.up").classList.contains("drag")`) {
		t.Error("the form still shows a drag after the drop")
	}
	rows := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("form.up li:not(.more)")].map(li => [li.querySelector(".name").textContent, li.querySelector(".state").textContent]))`)
	for name := range files {
		if _, ok := rows[name]; !ok {
			t.Errorf("the page does not list %s", name)
		}
	}
	for name, state := range rows {
		if _, ok := files[name]; !ok {
			t.Errorf("the page lists %s, which was not dropped", name)
		} else if !strings.HasPrefix(state, "done") {
			t.Errorf("the page says %s: %q, want done", name, state)
		}
	}

	// The tree in root is the dropped one, file for file, and nothing more.
	got := map[string][]byte{}
	dirs := map[string]bool{}
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			dirs[rel] = true
			return nil
		}
		got[rel], err = os.ReadFile(p)
		return err
	}))
	for name, want := range files {
		if b, ok := got[name]; !ok {
			t.Errorf("%s did not land", name)
		} else if !bytes.Equal(b, want) {
			t.Errorf("%s: %d bytes that are not the %d on disk", name, len(b), len(want))
		}
	}
	for name := range got {
		if _, ok := files[name]; !ok {
			t.Errorf("%s was written, but was not dropped", name)
		}
	}
	wantDirs := map[string]bool{"album": true, "album/sub": true, "album/sub/deeper": true, "album/burst": true}
	if !maps.Equal(dirs, wantDirs) {
		t.Errorf("folders made: %q, want %q (no empty one)", slices.Sorted(maps.Keys(dirs)), slices.Sorted(maps.Keys(wantDirs)))
	}
	// Nothing was left half-done outside root: the staging folder keeps
	// only the records that answer a late HEAD, no data.
	entries, err := os.ReadDir(staging)
	must(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".info") {
			t.Errorf("the staging folder still holds %s", e.Name())
		}
	}

	// A log line comes after its answer: wait for them.
	rq.wait(t, "every upload to be logged", 20*time.Second, func(_ []transfer.Event, logs []*transfer.LogLine) bool {
		n := 0
		for _, l := range logs {
			if l.Method == "POST" && l.Status == 201 {
				n++
			}
		}
		return n >= len(files)
	})
	if n := rq.count("POST", 201); n != len(files) {
		t.Errorf("%d uploads were created, want one per file: %d", n, len(files))
	}
	rq.mu.Lock()
	defer rq.mu.Unlock()
	for _, l := range rq.logs {
		if l.Status >= 400 {
			t.Errorf("%s %s: %d", l.Method, l.URI, l.Status)
		}
	}
}
