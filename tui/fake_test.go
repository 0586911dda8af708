package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// fakeCtrl is a Controller that records what the TUI asked of it. SetRoot
// accepts existing folders only, like the real server.
type fakeCtrl struct {
	mu        sync.Mutex
	root      string
	paused    bool
	listening bool
	uploads   bool
	urls      []URL
	calls     []string
	active    map[uint64]bool // what Cancel finds running
	rate      int64
	caps      map[string]int64
	secret    bool
	asks      []Ask
	links     []Link
	blocked   map[string]bool

	startErr   error
	uploadsErr error
}

func newFakeCtrl() *fakeCtrl {
	return &fakeCtrl{
		root:      "/home/ada/share",
		listening: true,
		urls: []URL{
			{Label: "eth0", URL: "http://192.168.1.23:8000/", Route: true, Used: true},
			{Label: "wlan0", URL: "http://10.0.0.7:8000/"},
			{Label: "docker0", URL: "http://172.17.0.1:8000/", Virtual: true},
			{Label: "localhost", URL: "http://127.0.0.1:8000/", Used: true},
		},
		active:     map[uint64]bool{},
		caps:       map[string]int64{},
		blocked:    map[string]bool{},
		uploadsErr: errors.New("uploads are not available"),
	}
}

func (f *fakeCtrl) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the recorded calls that change something (not the getters).
func (f *fakeCtrl) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeCtrl) Root() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.root
}

func (f *fakeCtrl) SetRoot(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetRoot(%s)", dir)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("open root: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("open root: %s is not a folder", dir)
	}
	f.root = dir
	return nil
}

func (f *fakeCtrl) Pause() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Pause")
	f.paused = true
}

func (f *fakeCtrl) Resume() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Resume")
	f.paused = false
}

func (f *fakeCtrl) Paused() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused
}

func (f *fakeCtrl) Stop() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Stop")
	f.listening = false
	return nil
}

func (f *fakeCtrl) Start() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Start")
	if f.startErr != nil {
		return f.startErr
	}
	f.listening = true
	return nil
}

func (f *fakeCtrl) Listening() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.listening
}

func (f *fakeCtrl) Cancel(id uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Cancel(%d)", id)
	ok := f.active[id]
	delete(f.active, id)
	return ok
}

func (f *fakeCtrl) URLs() []URL {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]URL(nil), f.urls...)
}

func (f *fakeCtrl) Uploads() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.uploads
}

func (f *fakeCtrl) SetUploads(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetUploads(%t)", on)
	if f.uploadsErr != nil {
		return f.uploadsErr
	}
	f.uploads = on
	return nil
}

func (f *fakeCtrl) Rate() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rate
}

func (f *fakeCtrl) SetRate(bps int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetRate(%d)", bps)
	f.rate = bps
}

func (f *fakeCtrl) Throttle(client string, bps int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Throttle(%s, %d)", client, bps)
	f.caps[client] = bps
}

func (f *fakeCtrl) ClientRate(client string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caps[client]
}

func (f *fakeCtrl) Kick(client string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Kick(%s)", client)
	return 0
}

func (f *fakeCtrl) Block(client string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Block(%s)", client)
	f.blocked[client] = true
	return nil
}

func (f *fakeCtrl) Unblock(client string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Unblock(%s)", client)
	was := f.blocked[client]
	delete(f.blocked, client)
	return was
}

func (f *fakeCtrl) Blocked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for c := range f.blocked {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (f *fakeCtrl) Secret() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secret
}

func (f *fakeCtrl) NewSecret() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("NewSecret")
	for i := range f.urls {
		f.urls[i].URL += "~s/new"
	}
}

func (f *fakeCtrl) Asks() []Ask {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Ask(nil), f.asks...)
}

func (f *fakeCtrl) Allow(client string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Allow(%s)", client)
	f.asks = slices.DeleteFunc(f.asks, func(a Ask) bool { return a.Key == client })
	return true
}

func (f *fakeCtrl) Deny(client string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Deny(%s)", client)
	f.asks = slices.DeleteFunc(f.asks, func(a Ask) bool { return a.Key == client })
	f.blocked[client] = true
	return nil
}

func (f *fakeCtrl) NewLink(path string, maxDownloads int, ttl time.Duration) (Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("NewLink(%s, %d, %v)", path, maxDownloads, ttl)
	if _, err := os.Stat(path); err != nil {
		return Link{}, fmt.Errorf("%s: no such file or folder in the share", path)
	}
	l := Link{Token: fmt.Sprintf("tok%d", len(f.links)), Path: "/" + filepath.Base(path), Max: maxDownloads, State: "live"}
	l.URL = "http://192.168.1.23:8000/~l/" + l.Token + "/" + filepath.Base(path)
	if ttl > 0 {
		l.Expires = t0.Add(ttl)
	}
	f.links = append(f.links, l)
	return l, nil
}

func (f *fakeCtrl) Links() []Link {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Link(nil), f.links...)
}

func (f *fakeCtrl) RevokeLink(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RevokeLink(%s)", token)
	for i := range f.links {
		if f.links[i].Token == token && (f.links[i].State == "live" || f.links[i].State == "removed") {
			f.links[i].State = "revoked"
			return true
		}
	}
	return false
}

var _ Controller = (*fakeCtrl)(nil)
