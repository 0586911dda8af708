package fileserver_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"shareit/fileserver"
)

// The page as people use it: Debian's headless Chromium, driven over the
// DevTools protocol, against the real server.

// screenshotDir is where TestBrowser leaves its screenshots, to look at
// (git-ignored).
const screenshotDir = "../docs/screenshots"

// newBrowser starts the system's Chromium with a fresh profile, for the
// rest of the test, and returns a context for its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is needed for this test and is not installed (`make test` installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start it now: a timeout on the first Run would stop it
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// tab opens a new tab for one subtest, with a deadline for all it does.
func tab(t *testing.T, browserCtx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// clickAndLoad clicks the element sel and waits for the page it leads to.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// download clicks sel with downloads going to a fresh folder and returns
// the downloaded bytes and the name the browser chose for them.
func download(t *testing.T, ctx context.Context, sel string) (name string, body []byte) {
	t.Helper()
	dir := t.TempDir()
	begin := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
			DownloadPath:  dir,
			EventsEnabled: new(true),
		})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range begin {
		if err != nil {
			t.Fatalf("waiting for the download of %s to begin: %v", sel, err)
		}
		name = ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download of %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("the download of %s was cancelled", sel)
		case browser.DownloadProgressStateCompleted:
			body, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return name, body
		}
	}
	t.Fatalf("no end to the download of %s", sel)
	return "", nil
}

// TestBrowser drives the listing page in Chromium: it lists every name,
// sorts by a column header, downloads a file and a folder's zip, uploads
// through the file input, and leaves screenshots at phone and desktop
// widths, light and dark.
func TestBrowser(t *testing.T) {
	root := t.TempDir()
	names := []string{"with space.txt", "100%.txt", "#hash.txt", "what?.txt", "a&b.txt", "a+b.txt",
		"semi;colon.txt", "a:b.txt", "café ☕.txt", "[brackets].txt", "<b>not bold.txt"}
	files := map[string]string{
		"Photos/beach.jpg":    strings.Repeat("j", 2<<20),
		"Music/track one.mp3": strings.Repeat("m", 5<<20),
		"Documents/notes.md":  "# notes\n",
		"holiday video.mp4":   strings.Repeat("v", 3<<20+123),
		"backup 2026.tar.gz":  strings.Repeat("z", 700<<10),
		"a very long file name that keeps going and going until it no longer fits on a phone.pdf": "%PDF-1.4\n",
	}
	for i, n := range names {
		files[n] = strings.Repeat("x", 1+i*100)
	}
	writeTree(t, root, files)
	bin := filepath.Join(root, "big file #1.bin")
	writePattern(t, bin, 3<<20+17)
	pinTimes(t, root)
	_, _, base := startServer(t, fileserver.Config{Root: root, Upload: true, MaxUpload: 100 << 20})
	browserCtx := newBrowser(t)

	t.Run("lists every name", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		run(t, ctx, chromedp.Navigate(base+"/"))
		got := eval[[]string](t, ctx, `[...document.querySelectorAll("td.n a")].map(a => a.textContent)`)
		want := []string{"Documents/", "Music/", "Photos/"}
		for name := range files {
			if !strings.Contains(name, "/") {
				want = append(want, name)
			}
		}
		want = append(want, "big file #1.bin")
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("names shown:\ngot  %q\nwant %q", got, want)
		}
		// Every link leads to the file it names.
		hrefs := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("td.n a")].map(a => [a.textContent, a.href]))`)
		for _, name := range names {
			u, err := url.Parse(hrefs[name])
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(u.Path, "/"); got != name || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("link of %q: got %q (path %q), want path %q", name, hrefs[name], got, name)
			}
		}
	})

	t.Run("sorts by size", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		run(t, ctx, chromedp.Navigate(base+"/"))
		for _, want := range []struct{ order, aria string }{{"desc", "descending"}, {"asc", "ascending"}} {
			clickAndLoad(t, ctx, "th.s a")
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(loc, "?sort=size&order="+want.order) {
				t.Errorf("after clicking Size: at %q, want ?sort=size&order=%s", loc, want.order)
			}
			if got := eval[string](t, ctx, `document.querySelector("th.s").getAttribute("aria-sort")`); got != want.aria {
				t.Errorf("aria-sort of Size: got %q, want %q", got, want.aria)
			}
			rows := eval[[]string](t, ctx, `[...document.querySelectorAll("tbody tr:not(.u) td.n a")].map(a => a.textContent)`)
			var sizes []int
			for _, r := range rows {
				if !strings.HasSuffix(r, "/") {
					fi, err := os.Stat(filepath.Join(root, r))
					if err != nil {
						t.Fatal(err)
					}
					sizes = append(sizes, int(fi.Size()))
				}
			}
			sorted := slices.IsSorted(sizes)
			if want.order == "desc" {
				sorted = slices.IsSortedFunc(sizes, func(a, b int) int { return b - a })
			}
			if !sorted || !strings.HasSuffix(rows[0], "/") {
				t.Errorf("rows after sorting by size %s: got %q (sizes %v), want folders first, then by size", want.order, rows, sizes)
			}
		}
	})

	t.Run("downloads a file", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		run(t, ctx, chromedp.Navigate(base+"/"))
		name, body := download(t, ctx, `a[href="./big%20file%20%231.bin"]`)
		if name != "big file #1.bin" {
			t.Errorf("saved as %q, want %q", name, "big file #1.bin")
		}
		if n, ok, _ := checkPattern(bytes.NewReader(body), 3<<20+17); !ok {
			t.Errorf("downloaded %d bytes, not the file's %d", n, 3<<20+17)
		}
	})

	t.Run("downloads a folder as zip", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		run(t, ctx, chromedp.Navigate(base+"/Photos/"))
		name, body := download(t, ctx, `a[href="?zip"]`)
		if name != "Photos.zip" {
			t.Errorf("saved as %q, want Photos.zip", name)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("the zip does not open: %v", err)
		}
		got := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			got[f.Name] = string(b)
		}
		want := map[string]string{"Photos/": "", "Photos/beach.jpg": files["Photos/beach.jpg"]}
		if len(got) != len(want) || got["Photos/beach.jpg"] != want["Photos/beach.jpg"] {
			t.Errorf("zip holds %d entries, want exactly %q with the file's bytes", len(got), slices.Sorted(maps.Keys(want)))
		}
	})

	t.Run("uploads through the file input", func(t *testing.T) {
		ctx := tab(t, browserCtx)
		src := t.TempDir()
		up := filepath.Join(src, "from the browser ☕.bin")
		writePattern(t, up, 1<<20+5)
		clash := filepath.Join(src, "notes.md")
		if err := os.WriteFile(clash, []byte("another note\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		huge := filepath.Join(src, "huge.iso") // sparse: past the limit, refused by the page itself
		must(t, os.WriteFile(huge, nil, 0o644))
		must(t, os.Truncate(huge, 200<<20))
		run(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/Documents/"),
			chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{up, clash, huge}))
		// The page shows the rename and stays; a clean upload would reload it.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll("form.up li")].some(li => li.textContent.includes("saved as notes (1).md"))`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("waiting for the page to say the upload was renamed: %v", err)
		}
		if msg := eval[string](t, ctx, `[...document.querySelectorAll("form.up li.err")].map(li => li.querySelector(".name").textContent + ": " + li.querySelector(".state").textContent).join("|")`); msg != "huge.iso: too large: this server accepts up to 100 MiB" {
			t.Errorf("the page says %q about huge.iso, want that it is too large", msg)
		}
		if _, err := os.Stat(filepath.Join(root, "Documents", "huge.iso")); err == nil {
			t.Error("huge.iso was uploaded past the limit")
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, err)
		must(t, os.MkdirAll(screenshotDir, 0o755))
		must(t, os.WriteFile(filepath.Join(screenshotDir, "upload-desktop-light.png"), png, 0o644))
		f, err := os.Open(filepath.Join(root, "Documents", "from the browser ☕.bin"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if n, ok, err := checkPattern(f, 1<<20+5); !ok {
			t.Errorf("uploaded file: %d bytes (%v), want the %d sent", n, err, 1<<20+5)
		}
		if b, _ := os.ReadFile(filepath.Join(root, "Documents", "notes (1).md")); string(b) != "another note\n" {
			t.Errorf("notes (1).md: got %q, want %q", b, "another note\n")
		}
		if b, _ := os.ReadFile(filepath.Join(root, "Documents", "notes.md")); string(b) != files["Documents/notes.md"] {
			t.Errorf("notes.md was changed: got %q", b)
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
		shots := []struct {
			name          string
			path          string
			width, height int64
			phone         bool
		}{
			{"listing-phone", "/", 390, 844, true},
			{"listing-desktop", "/", 1280, 800, false},
			{"error-phone", "/missing.txt", 390, 844, true},
		}
		for _, shot := range shots {
			for _, scheme := range []string{"light", "dark"} {
				ctx := tab(t, browserCtx)
				opts := []chromedp.EmulateViewportOption{}
				if shot.phone {
					opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
				}
				run(t, ctx,
					chromedp.EmulateViewport(shot.width, shot.height, opts...),
					chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
						_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
							Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
						})
						return err
					}),
					chromedp.Navigate(base+shot.path))
				if got := eval[bool](t, ctx, `matchMedia("(prefers-color-scheme: `+scheme+`)").matches`); !got {
					t.Errorf("%s: the page does not see prefers-color-scheme: %s", shot.name, scheme)
				}
				if w := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
					t.Errorf("%s %s: the page is %d px wider than the %d px viewport", shot.name, scheme, w, shot.width)
				}
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(screenshotDir, shot.name+"-"+scheme+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The two schemes really differ.
		light, _ := os.ReadFile(filepath.Join(screenshotDir, "listing-desktop-light.png"))
		dark, _ := os.ReadFile(filepath.Join(screenshotDir, "listing-desktop-dark.png"))
		if bytes.Equal(light, dark) {
			t.Error("the light and dark screenshots are the same")
		}
	})
}
