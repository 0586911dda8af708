package fileserver

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shareit/transfer"
	"shareit/transfer/testkit"
)

// These tests run the listing cache behind each kind of watcher on any OS:
// this OS's own (newDirWatcher), fsnotify (what macOS, Windows and BSD
// use; on Linux it runs on inotify), none at all, and a fake that can
// refuse watches and lose events on demand.

// listingServer is a Server on root whose listing cache uses w and limits.
func listingServer(t *testing.T, root string, w dirWatcher, limits watchLimits) *Server {
	t.Helper()
	tracker := transfer.New()
	t.Cleanup(tracker.Close)
	s, err := New(Config{Root: root, Version: "test"}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	s.dirs.close()
	s.dirs = newDirCacheWith(w, limits)
	t.Cleanup(func() { s.dirs.close() })
	return s
}

// sizes lists the folder at url as JSON: name → size.
func sizes(t *testing.T, s *Server, url string) map[string]int64 {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", url+"?json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET %s: got %d, want 200", url, rec.Code)
	}
	var entries []struct {
		Name string `json:"name"`
		Size int64  `json:"size"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &entries); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	m := make(map[string]int64)
	for _, e := range entries {
		m[e.Name] = e.Size
	}
	return m
}

// cachedState reports whether the listing of rel is in s's cache, and watched.
func cachedState(s *Server, rel string) (ok, watched bool) {
	c := s.dirs
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.byKey[dirKey{s.root.Load(), rel}]
	if el == nil {
		return false, false
	}
	return true, el.Value.(*cachedDir).watched
}

// waitUntil polls cond until it holds, failing the test after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
}

// settledFolder makes root/d with a.txt ("a") in it, its times an hour
// old, so that a listing of it may be kept even without a watch.
func settledFolder(t *testing.T) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	dir = filepath.Join(root, "d")
	must(t, os.Mkdir(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644))
	old := time.Now().Add(-time.Hour)
	must(t, os.Chtimes(filepath.Join(dir, "a.txt"), old, old))
	must(t, os.Chtimes(dir, old, old))
	return root, dir
}

// must fails the test at once on an error.
var must = testkit.Must

// TestDirCacheWatched (a): a listing kept under a watch shows a file that
// grew. The OS's own watcher on Linux reports it before the very next
// listing; fsnotify's may take a moment (its events travel through a
// goroutine).
func TestDirCacheWatched(t *testing.T) {
	watchers := []struct {
		name string
		make func(t *testing.T) (dirWatcher, watchLimits)
		// atOnce: the next listing must show the change
		atOnce bool
	}{
		{"fsnotify", func(t *testing.T) (dirWatcher, watchLimits) {
			w, err := newFsnotifyWatcher()
			if err != nil {
				t.Skipf("fsnotify cannot watch here: %v", err)
			}
			return w, watchLimits{folders: 4}
		}, false},
		{"fsnotify, started on the first watch", func(t *testing.T) (dirWatcher, watchLimits) {
			return &lazyFsnotify{}, watchLimits{folders: 4}
		}, false},
		{"native", func(t *testing.T) (dirWatcher, watchLimits) {
			w, limits := newDirWatcher()
			if w == nil {
				t.Skip("this OS has no folder watcher")
			}
			return w, limits
		}, nativeWatchSync},
	}
	for _, tc := range watchers {
		t.Run(tc.name, func(t *testing.T) {
			root, dir := settledFolder(t)
			w, limits := tc.make(t)
			s := listingServer(t, root, w, limits)
			if got := sizes(t, s, "/d/")["a.txt"]; got != 1 {
				t.Fatalf("a.txt: got size %d, want 1", got)
			}
			if ok, watched := cachedState(s, "d"); !ok || !watched {
				t.Fatalf("after a listing: cached %v, watched %v; want both", ok, watched)
			}
			testkit.AppendFile(t, filepath.Join(dir, "a.txt"), "bc")
			if tc.atOnce {
				if got := sizes(t, s, "/d/")["a.txt"]; got != 3 {
					t.Fatalf("the next listing: a.txt got size %d, want 3", got)
				}
				return
			}
			waitUntil(t, 5*time.Second, "the listing shows a.txt grown", func() bool { return sizes(t, s, "/d/")["a.txt"] == 3 })
		})
	}
}

// TestDirCacheUnwatched (b): when no watch can be had — none on this OS,
// the cap at 0, or the OS refusing — a listing is still kept, and still
// shows every change at once: names through the folder's modification
// time, sizes and times because each entry is stat'ed again on a hit.
func TestDirCacheUnwatched(t *testing.T) {
	cases := []struct {
		name   string
		w      func() dirWatcher
		limits watchLimits
	}{
		{"no watcher", func() dirWatcher { return nil }, watchLimits{}},
		{"cap of 0", func() dirWatcher { return newFakeWatcher() }, watchLimits{folders: 0}},
		{"watch refused", func() dirWatcher { f := newFakeWatcher(); f.refuse = true; return f }, watchLimits{folders: 8}},
		{"folder too big for kqueue", func() dirWatcher { return newFakeWatcher() }, watchLimits{folders: 8, entries: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root, dir := settledFolder(t)
			must(t, os.WriteFile(filepath.Join(dir, "b.txt"), []byte("b"), 0o644))
			old := time.Now().Add(-time.Hour)
			must(t, os.Chtimes(dir, old, old))
			s := listingServer(t, root, tc.w(), tc.limits)
			sizes(t, s, "/d/")
			if ok, watched := cachedState(s, "d"); !ok || watched {
				t.Fatalf("after a listing: cached %v, watched %v; want cached, unwatched", ok, watched)
			}
			steps := []struct {
				name   string
				change func()
				check  func(map[string]int64) bool
			}{
				{"grow", func() { testkit.AppendFile(t, filepath.Join(dir, "a.txt"), "bc") },
					func(m map[string]int64) bool { return m["a.txt"] == 3 }},
				{"add", func() { must(t, os.WriteFile(filepath.Join(dir, "new.txt"), []byte("new"), 0o644)) },
					func(m map[string]int64) bool { return m["new.txt"] == 3 }},
				{"remove", func() { must(t, os.Remove(filepath.Join(dir, "b.txt"))) },
					func(m map[string]int64) bool { _, ok := m["b.txt"]; return !ok }},
			}
			for _, step := range steps {
				// Settle the folder again, so the listing is kept, and
				// cache it.
				must(t, os.Chtimes(dir, old, old))
				sizes(t, s, "/d/")
				if ok, _ := cachedState(s, "d"); !ok {
					t.Fatalf("%s: the listing was not kept", step.name)
				}
				step.change()
				if got := sizes(t, s, "/d/"); !step.check(got) {
					t.Errorf("%s: the next listing did not show it: %v", step.name, got)
				}
			}
		})
	}
}

// TestDirCacheUnsettled: without a watch, a folder changed less than
// settleDirs ago is listed but not kept: another change within the same
// tick of its clock would not move its time.
func TestDirCacheUnsettled(t *testing.T) {
	root, dir := settledFolder(t)
	s := listingServer(t, root, nil, watchLimits{})
	must(t, os.WriteFile(filepath.Join(dir, "fresh.txt"), nil, 0o644))
	sizes(t, s, "/d/")
	if ok, _ := cachedState(s, "d"); ok {
		t.Error("a folder changed just now was kept without a watch")
	}
}

// TestDirCacheLostEvents (c): when the watcher says events were lost (an
// inotify or kqueue queue overflow, a watcher error), every watched
// listing is dropped, and the next one shows what changed unreported.
func TestDirCacheLostEvents(t *testing.T) {
	root, dir := settledFolder(t)
	must(t, os.Mkdir(filepath.Join(root, "e"), 0o755))
	fake := newFakeWatcher() // reports no change unless told
	s := listingServer(t, root, fake, watchLimits{folders: 8})
	sizes(t, s, "/d/")
	sizes(t, s, "/e/")
	for _, rel := range []string{"d", "e"} {
		if ok, watched := cachedState(s, rel); !ok || !watched {
			t.Fatalf("%s: cached %v, watched %v; want both", rel, ok, watched)
		}
	}
	testkit.AppendFile(t, filepath.Join(dir, "a.txt"), "bc") // its event is lost
	if got := sizes(t, s, "/d/")["a.txt"]; got != 1 {
		t.Fatalf("before the loss is reported: got size %d, want the cached 1 (the fake reports nothing)", got)
	}
	fake.lose()
	if got := sizes(t, s, "/d/")["a.txt"]; got != 3 {
		t.Errorf("after lost events: got size %d, want 3", got)
	}
	if ok, _ := cachedState(s, "e"); ok {
		t.Error("after lost events, another watched folder is still cached")
	}
	if n := fake.watching(); n != 1 {
		t.Errorf("after lost events: got %d watches held, want 1 (d, listed again)", n)
	}
}

// TestDirCacheWatchCap: no more folders are watched than the cap; the
// least recently used one gives its watch up, and what is over the cap is
// still cached, unwatched.
func TestDirCacheWatchCap(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for _, d := range []string{"a", "b", "c"} {
		must(t, os.Mkdir(filepath.Join(root, d), 0o755))
		must(t, os.Chtimes(filepath.Join(root, d), old, old))
	}
	fake := newFakeWatcher()
	s := listingServer(t, root, fake, watchLimits{folders: 2})
	for _, d := range []string{"a", "b", "c"} {
		sizes(t, s, "/"+d+"/")
		if n := fake.watching(); n > 2 {
			t.Fatalf("after listing %s: got %d watches, want at most 2", d, n)
		}
	}
	want := map[string][2]bool{"a": {false, false}, "b": {true, true}, "c": {true, true}}
	for d, w := range want {
		if ok, watched := cachedState(s, d); ok != w[0] || watched != w[1] {
			t.Errorf("%s: got cached %v, watched %v; want %v, %v", d, ok, watched, w[0], w[1])
		}
	}
}

// TestDirCacheEvent: an event for a folder drops its listing and gives
// its watch back.
func TestDirCacheEvent(t *testing.T) {
	root, _ := settledFolder(t)
	fake := newFakeWatcher()
	s := listingServer(t, root, fake, watchLimits{folders: 8})
	sizes(t, s, "/d/")
	fake.changeAll()
	s.dirs.mu.Lock() // take the events, as a lookup does
	s.dirs.drain()
	s.dirs.mu.Unlock()
	if ok, _ := cachedState(s, "d"); ok {
		t.Error("after an event the listing is still cached")
	}
	if n := fake.watching(); n != 0 {
		t.Errorf("after an event: got %d watches held, want 0", n)
	}
}

// fakeWatcher is a dirWatcher that watches nothing: it reports changes and
// lost events only when a test says so, and can refuse every watch.
type fakeWatcher struct {
	mu      sync.Mutex
	refuse  bool
	next    watchID
	watches map[watchID]bool
	changed []watchID
	lost    bool
}

func newFakeWatcher() *fakeWatcher { return &fakeWatcher{watches: make(map[watchID]bool)} }

func (f *fakeWatcher) add(string, *os.File) (watchID, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		return 0, os.ErrPermission // as inotify says past max_user_watches
	}
	f.next++
	f.watches[f.next] = true
	return f.next, nil
}

func (f *fakeWatcher) remove(id watchID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.watches, id)
}

func (f *fakeWatcher) pending(changed func(watchID), lost func()) {
	f.mu.Lock()
	ids, wasLost := f.changed, f.lost
	f.changed, f.lost = nil, false
	f.mu.Unlock()
	if wasLost {
		lost()
	}
	for _, id := range ids {
		changed(id)
	}
}

func (f *fakeWatcher) close() error { return nil }

// lose makes the next pending report lost events.
func (f *fakeWatcher) lose() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lost = true
}

// changeAll makes the next pending report a change in every watched folder.
func (f *fakeWatcher) changeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range f.watches {
		f.changed = append(f.changed, id)
	}
}

// watching is the number of watches held.
func (f *fakeWatcher) watching() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.watches)
}
