package fileserver_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shareit/fileserver"
)

// TestStopStart: Stop refuses new connections but lets a download under way
// finish; Start serves again on the same address.
func TestStopStart(t *testing.T) {
	t.Parallel()
	const size = bigFile
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	writePattern(t, filepath.Join(root, "big.bin"), size)
	srv, tracker, base := startServer(t, fileserver.Config{Root: root})
	addr := srv.Addr()

	c, resp := startDownload(t, addr, "/big.bin")
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	first := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}

	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if n := len(tracker.Snapshot().Transfers); n != 1 {
		t.Fatalf("at Stop: %d transfers under way, want the download", n)
	}
	if srv.Listening() {
		t.Error("Listening after Stop: got true, want false")
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if nc, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		nc.Close()
		t.Fatal("a new connection was accepted after Stop")
	}

	n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), resp.Body), size)
	if !ok {
		t.Fatalf("download started before Stop: got %d bytes (%v), want all %d, intact", n, err, size)
	}

	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Errorf("second Start: %v", err)
	}
	if !srv.Listening() || srv.Addr() != addr {
		t.Errorf("after Start: listening %v on %s, want true on %s", srv.Listening(), srv.Addr(), addr)
	}
	for i := range 3 { // keep-alive is back on too
		resp, body := httpDo(t, "GET", base+"/hello.txt", nil)
		if resp.StatusCode != 200 || string(body) != "hello\n" {
			t.Fatalf("GET %d after Start: got %d %q, want 200 %q", i, resp.StatusCode, body, "hello\n")
		}
	}
}

// TestStopStartKeepAlive: a client holding an idle keep-alive connection
// does not keep a stopped server serving it.
func TestStopStartKeepAlive(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": "hello\n"})
	srv, _, base := startServer(t, fileserver.Config{Root: root})

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	get := func() (int, error) {
		resp, err := client.Get(base + "/hello.txt")
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(); err != nil || code != 200 {
		t.Fatalf("before Stop: got %d, %v; want 200", code, err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if code, err := get(); err == nil {
		t.Errorf("after Stop: got status %d over the kept-alive connection, want an error", code)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if code, err := get(); err != nil || code != 200 {
		t.Errorf("after Start: got %d, %v; want 200", code, err)
	}
}

// TestSetRoot: another folder is served at once; a root that is not a
// folder is refused and the old one stays.
func TestSetRoot(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"a.txt": "A\n"})
	writeTree(t, b, map[string]string{"b.txt": "B\n", "sub/c.txt": "C\n"})
	srv, _, base := startServer(t, fileserver.Config{Root: a})

	expect := func(path string, status int, body string) {
		t.Helper()
		resp, got := httpDo(t, "GET", base+path, nil)
		if resp.StatusCode != status || (status == 200 && string(got) != body) {
			t.Errorf("GET %s: got %d %q, want %d %q", path, resp.StatusCode, got, status, body)
		}
	}
	expect("/a.txt", 200, "A\n")
	if err := srv.SetRoot(b); err != nil {
		t.Fatalf("SetRoot(%s): %v", b, err)
	}
	if srv.Root() != b {
		t.Errorf("Root: got %q, want %q", srv.Root(), b)
	}
	expect("/b.txt", 200, "B\n")
	expect("/a.txt", 404, "")

	bad := []struct {
		name, dir, err string
	}{
		{"missing", filepath.Join(b, "missing"), "no such folder"},
		{"a file", filepath.Join(b, "b.txt"), "not a folder"},
		{"below a file", filepath.Join(b, "b.txt", "x"), ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := srv.SetRoot(tc.dir)
			if err == nil {
				t.Fatalf("SetRoot(%s): got no error", tc.dir)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SetRoot(%s): got %q, want it to say %q", tc.dir, err, tc.err)
			}
			if srv.Root() != b {
				t.Errorf("Root after a failed SetRoot: got %q, want %q", srv.Root(), b)
			}
			expect("/b.txt", 200, "B\n")
			expect("/sub/c.txt", 200, "C\n")
		})
	}

	// A relative root is made absolute.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, a)
	if err == nil && !strings.HasPrefix(rel, "..") {
		if err := srv.SetRoot(rel); err != nil {
			t.Fatalf("SetRoot(%s): %v", rel, err)
		}
		if srv.Root() != a {
			t.Errorf("Root after SetRoot(%s): got %q, want %q", rel, srv.Root(), a)
		}
	}
}

// TestSetRootKeepsRunningTransfers: a download under way when the root
// changes finishes from the old folder.
func TestSetRootKeepsRunningTransfers(t *testing.T) {
	t.Parallel()
	const size = bigFile
	a, b := t.TempDir(), t.TempDir()
	writePattern(t, filepath.Join(a, "big.bin"), size)
	srv, tracker, _ := startServer(t, fileserver.Config{Root: a})

	c, resp := startDownload(t, srv.Addr(), "/big.bin")
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	first := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetRoot(b); err != nil {
		t.Fatal(err)
	}
	if n := len(tracker.Snapshot().Transfers); n != 1 {
		t.Fatalf("at SetRoot: %d transfers under way, want the download", n)
	}
	if n, ok, err := checkPattern(io.MultiReader(bytes.NewReader(first), resp.Body), size); !ok {
		t.Fatalf("got %d bytes (%v), want all %d, intact", n, err, size)
	}
}

// TestSetRootUnderLoad: requests racing a change of root are answered from
// one folder or the other, never with an error.
func TestSetRootUnderLoad(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"same.txt": "A\n", "dir/x.txt": "x"})
	writeTree(t, b, map[string]string{"same.txt": "B\n", "dir/x.txt": "x"})
	srv, _, base := startServer(t, fileserver.Config{Root: a})

	client := &http.Client{Timeout: 30 * time.Second}
	var stop atomic.Bool
	var served atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				path := [...]string{"/same.txt", "/dir/", "/dir/x.txt", "/dir/?json"}[i%4]
				resp, err := client.Get(base + path)
				if err != nil {
					errs <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || (path == "/same.txt" && string(body) != "A\n" && string(body) != "B\n") {
					select {
					case errs <- path + ": " + resp.Status + " " + string(body):
					default:
					}
					return
				}
				served.Add(1)
			}
		}()
	}
	// Switch back and forth until enough requests have raced the switches.
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; served.Load() < 2000 && len(errs) == 0 && time.Now().Before(deadline); i++ {
		dir := a
		if i%2 == 0 {
			dir = b
		}
		if err := srv.SetRoot(dir); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("request racing SetRoot: %s", e)
	}
	t.Logf("%d requests answered while the root switched", served.Load())
}

// TestURLs: bound to loopback, the server gives one URL, labelled localhost.
func TestURLs(t *testing.T) {
	srv, _, base := startServer(t, fileserver.Config{})
	urls := srv.URLs()
	if len(urls) != 1 || urls[0].Label != "localhost" || urls[0].URL != base+"/" {
		t.Errorf("URLs: got %+v, want [{localhost %s/}]", urls, base)
	}
}
