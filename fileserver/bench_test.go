package fileserver_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// BenchmarkListing10k serves the listing of a 10,000-entry folder, as HTML
// and as JSON, through the real handler: from the listing cache, and
// uncached (reading the folder and rendering the page included).
func BenchmarkListing10k(b *testing.B) {
	root := b.TempDir()
	dir := filepath.Join(root, "dir10k")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%05d.txt", i)), []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	tracker := transfer.New()
	defer tracker.Close()
	srv, err := fileserver.New(fileserver.Config{Root: root}, tracker)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name, url string
		uncached  bool // the folder is read and the page rendered every time
	}{
		{"html", "/dir10k/", false},
		{"html-by-size", "/dir10k/?sort=size", false},
		{"html-uncached", "/dir10k/", true},
		{"json", "/dir10k/?json", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, tc.url, nil)
			req.RemoteAddr = "127.0.0.1:1234"
			b.ReportAllocs()
			for b.Loop() {
				if tc.uncached {
					b.StopTimer()
					if err := srv.SetRoot(root); err != nil { // empties the listing cache
						b.Fatal(err)
					}
					b.StartTimer()
				}
				w := recorder{httptest.NewRecorder()}
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK || w.Body.Len() == 0 {
					b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
				}
				b.SetBytes(int64(w.Body.Len()))
			}
		})
	}
}

// recorder is an httptest.ResponseRecorder that takes write deadlines, as
// a connection does: the handler sets one before each chunk of a large
// body, and a recorder without them ends the body at once.
type recorder struct{ *httptest.ResponseRecorder }

func (recorder) SetWriteDeadline(time.Time) error { return nil }

// BenchmarkSmallFile serves a 4 KiB file through the handler: the per-request
// cost of the small-file path without the network.
func BenchmarkSmallFile(b *testing.B) {
	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "small.txt"), make([]byte, 4096), 0o644); err != nil {
		b.Fatal(err)
	}
	tracker := transfer.New()
	defer tracker.Close()
	srv, err := fileserver.New(fileserver.Config{Root: root}, tracker)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/small.txt", nil)
	req.RemoteAddr = "127.0.0.1:1234"
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkSmallFileHTTP asks for a settled 4 KiB file again and again on
// one keep-alive connection to the real server: the whole small-file path
// with its syscalls, and the allocations of every goroutine involved (the
// client here is a raw socket that allocates nothing per request). With
// others=10000 the folder holds 10,000 more small files, each asked for
// once first, so the cache holds them all: the cost per request must not
// grow with the tree.
func BenchmarkSmallFileHTTP(b *testing.B) {
	for _, others := range []int{0, 10000} {
		b.Run(fmt.Sprintf("others=%d", others), func(b *testing.B) { benchSmallFile(b, others) })
	}
}

func benchSmallFile(b *testing.B, others int) {
	root := b.TempDir()
	path := filepath.Join(root, "small.txt")
	if err := os.WriteFile(path, make([]byte, 4096), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := range others {
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%05d.txt", i)), make([]byte, 64), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// The small-file cache takes files unchanged for 2 s (its settle time);
	// the file was just written, so its change time is its modification time.
	testkit.Eventually(b, 10*time.Second, "the files to be older than the file cache's 2 s", func() bool {
		fi, err := os.Stat(path)
		return err == nil && time.Since(fi.ModTime()) > 2100*time.Millisecond
	})
	_, tracker, base := startServer(b, fileserver.Config{Root: root})
	tracker.LogTo(io.Discard) // the log is written, as in headless mode
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	get := func(name string) {
		if _, err := fmt.Fprintf(c, "GET /%s HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n", name); err != nil {
			b.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET /%s: %d, %v", name, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	for i := range others {
		get(fmt.Sprintf("f%05d.txt", i))
	}
	req := []byte("GET /small.txt HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n")
	body := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) == 2 { // the blank line after the header
				break
			}
		}
		if _, err := io.ReadFull(br, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDownload takes a 64 MiB file whole from the real server, through
// the tracked sendfile path, with Go's client: the download path's cost on
// the server side next to the kernel's copying.
func BenchmarkDownload(b *testing.B) {
	const size = 64 << 20
	root := b.TempDir()
	writeRandom(b, filepath.Join(root, "big.bin"), size)
	_, _, base := startServer(b, fileserver.Config{Root: root})
	b.SetBytes(size)
	for b.Loop() {
		resp, err := http.Get(base + "/big.bin")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("got %d bytes, %v", n, err)
		}
	}
}

// BenchmarkUploadSmall PUTs 16 KiB files, one after another on one
// keep-alive connection, to the real server, which syncs each before it
// answers: the cost per small upload (see docs/PERFORMANCE.md, uploads).
// kind=tus sends each as one tus creation-with-upload POST.
func BenchmarkUploadSmall(b *testing.B) {
	for _, kind := range []string{"put", "tus"} {
		b.Run("kind="+kind, func(b *testing.B) {
			root := b.TempDir()
			_, tracker, base := startServer(b, fileserver.Config{Root: root, Upload: true, Staging: b.TempDir()})
			tracker.LogTo(io.Discard)
			client := &http.Client{}
			body := make([]byte, 16<<10)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				name := fmt.Sprintf("f%07d.bin", i)
				var req *http.Request
				if kind == "put" {
					req, _ = http.NewRequest("PUT", base+"/"+name, bytes.NewReader(body))
				} else {
					req, _ = http.NewRequest("POST", base+"/", bytes.NewReader(body))
					req.Header.Set("Tus-Resumable", "1.0.0")
					req.Header.Set("Upload-Length", strconv.Itoa(len(body)))
					req.Header.Set("Upload-Metadata", "filename "+base64.StdEncoding.EncodeToString([]byte(name)))
					req.Header.Set("Content-Type", "application/offset+octet-stream")
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
