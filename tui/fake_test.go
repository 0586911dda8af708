package tui

import (
	"errors"
	"fmt"
	"os"
	"sync"
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

var _ Controller = (*fakeCtrl)(nil)
