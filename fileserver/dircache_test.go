package fileserver_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer/testkit"
)

// TestListingNeverStale lists a folder (so it is cached), changes it in
// every way a listing can show, and checks the very next listing shows it:
// on Linux always; where the watcher's events arrive late (WatchSync
// false), a file's own change may take a moment.
func TestListingNeverStale(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	dir := filepath.Join(root, "d")
	must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "elsewhere"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "elsewhere", "target.txt"), []byte("t"), 0o644))
	must(t, os.Symlink("../elsewhere/target.txt", filepath.Join(dir, "link.txt")))
	must(t, os.WriteFile(filepath.Join(outside, "x"), []byte("x"), 0o644))
	_, _, base := startServer(t, fileserver.Config{Root: root})
	later := time.Now().Add(time.Hour).Truncate(time.Second)
	before := time.Now().Add(-time.Hour).Truncate(time.Second)

	steps := []struct {
		name   string
		change func()
		check  func(map[string]listedEntry) bool
	}{
		{"add", func() { must(t, os.WriteFile(filepath.Join(dir, "new.txt"), []byte("n"), 0o644)) },
			func(m map[string]listedEntry) bool { _, ok := m["new.txt"]; return ok }},
		{"remove", func() { must(t, os.Remove(filepath.Join(dir, "new.txt"))) },
			func(m map[string]listedEntry) bool { _, ok := m["new.txt"]; return !ok }},
		{"grow", func() { testkit.AppendFile(t, filepath.Join(dir, "a.txt"), "more") },
			func(m map[string]listedEntry) bool { return m["a.txt"].Size == 5 }},
		{"touch", func() { must(t, os.Chtimes(filepath.Join(dir, "a.txt"), later, later)) },
			func(m map[string]listedEntry) bool { return m["a.txt"].Modified.Equal(later) }},
		{"rename", func() { must(t, os.Rename(filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"))) },
			func(m map[string]listedEntry) bool { _, a := m["a.txt"]; _, b := m["b.txt"]; return !a && b }},
		// Changes the folder's own watch does not report:
		{"subfolder gets a file", func() {
			must(t, os.Chtimes(filepath.Join(dir, "sub"), before, before))
			list(t, base+"/d/") // cached with the old time
			must(t, os.WriteFile(filepath.Join(dir, "sub", "f"), nil, 0o644))
		}, func(m map[string]listedEntry) bool { return !m["sub"].Modified.Equal(before) }},
		{"link target grows", func() { testkit.AppendFile(t, filepath.Join(root, "elsewhere", "target.txt"), "tt") },
			func(m map[string]listedEntry) bool { return m["link.txt"].Size == 3 }},
		{"link points out", func() {
			must(t, os.Remove(filepath.Join(dir, "link.txt")))
			must(t, os.Symlink(filepath.Join(outside, "x"), filepath.Join(dir, "link.txt")))
		}, func(m map[string]listedEntry) bool { _, ok := m["link.txt"]; return !ok }},
	}
	list(t, base+"/d/") // cache it
	for _, step := range steps {
		list(t, base+"/d/") // a hit, before the change
		step.change()
		if !fileserver.WatchSync && (step.name == "grow" || step.name == "touch") {
			// A file's own change is known only from the watcher's event,
			// which fsnotify delivers from its goroutine a moment later.
			testkit.Eventually(t, 5*time.Second, "the listing to show the change", func() bool { return step.check(list(t, base+"/d/")) })
			continue
		}
		if got := list(t, base+"/d/"); !step.check(got) {
			t.Errorf("%s: the next listing did not show it: %+v", step.name, got)
		}
	}

	// An index.html created in a cached folder is served at once.
	must(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>home</p>"), 0o644))
	_, body := httpDo(t, http.MethodGet, base+"/d/", nil)
	if string(body) != "<p>home</p>" {
		t.Errorf("after creating index.html, got %q, want the index page", body)
	}
}

// listedEntry is one item of the JSON listing.
type listedEntry struct {
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
	Dir      bool      `json:"dir"`
	URL      string    `json:"url"`
}

// list fetches a JSON listing, by name.
func list(t *testing.T, url string) map[string]listedEntry {
	t.Helper()
	resp, err := http.Get(url + "?json")
	must(t, err)
	defer resp.Body.Close()
	var entries []listedEntry
	must(t, json.NewDecoder(resp.Body).Decode(&entries))
	m := make(map[string]listedEntry, len(entries))
	for _, e := range entries {
		m[e.Name] = e
	}
	return m
}

// must fails the test at once on an error.
var must = testkit.Must
