package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// countRE is the notice shareit gives for each complete download.
var countRE = regexp.MustCompile(`download (\d+) of (\d+) complete: (\S+) took (\S+)`)

// TestMaxDownloads: with --max-downloads 2, a HEAD, an aborted download and
// a Range request do not count; the second complete download ends the
// share, and shareit says why and exits 0.
func TestMaxDownloads(t *testing.T) {
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--max-downloads", "2", reachDir(t))
	big := baseURL(p.port()) + "/big.bin"

	curl(t, "-I", big)
	p.waitLogs(1)
	if code := curl(t, "--max-filesize", "1000", big); code != 63 {
		t.Fatalf("aborted download: curl exit %d, want 63 (maximum file size exceeded)", code)
	}
	p.waitLogs(2)
	curl(t, "-r", "0-99999", big)
	p.waitLogs(3)
	curl(t, big)
	// Had anything before counted, this would be download 2 (and the end).
	if got, want := p.waitStderr(countRE), "download 1 of 2 complete: 127.0.0.1 took /big.bin"; got != want {
		t.Errorf("after the first complete download: got %q, want %q", got, want)
	}
	if p.exited() {
		t.Fatal("shareit ended after one complete download, want it to go on until two")
	}
	curl(t, big)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	out := p.output()
	if got, want := out[len(out)-1], "Share ended: 2 complete downloads (--max-downloads 2)."; got != want {
		t.Errorf("last line: got %q, want %q", got, want)
	}
	if got := len(countRE.FindAllString(p.stderr.String(), -1)); got != 2 {
		t.Errorf("complete download notices: got %d, want 2:\n%s", got, p.stderr.String())
	}
}

// TestCompleteDownloads: what counts as a complete download, one request
// shape per row, against one shareit. Each counting row must raise the
// count by exactly one: the notice it causes says which number it is, so a
// row before it that wrongly counted shows. The last row ends the share.
func TestCompleteDownloads(t *testing.T) {
	type request func(t *testing.T, base string)
	curlRow := func(args ...string) request {
		return func(t *testing.T, base string) {
			full := make([]string, len(args))
			for i, a := range args {
				if strings.HasPrefix(a, "/") && (i == 0 || args[i-1] != "-T") { // -T names a local file
					a = base + a
				}
				full[i] = a
			}
			curl(t, full...)
		}
	}
	upload := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(upload, []byte("up\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		do       request
		requests int  // log lines it makes
		counts   bool // a complete download
		path     string
	}{
		{"HEAD", curlRow("-I", "/big.bin"), 1, false, ""},
		{"listing", curlRow("/"), 1, false, ""},
		{"missing file", curlRow("/nope.bin"), 1, false, ""},
		{"small file", curlRow("/small.txt"), 1, true, "/small.txt"},
		{"small file, not modified", curlRow("-H", "If-None-Match: *", "/small.txt"), 1, false, ""},
		{"small file, a range", curlRow("-r", "0-2", "/small.txt"), 1, false, ""},
		{"aborted download", curlRow("--max-filesize", "1000", "/big.bin"), 1, false, ""},
		{"big file", curlRow("/big.bin"), 1, true, "/big.bin"},
		{"a range", curlRow("-r", "1000-200000", "/big.bin"), 1, false, ""},
		{"two ranges in one response", curlRow("-r", "0-99,200-299", "/big.bin"), 1, false, ""},
		{"the rest of the file (a resume, alone)", curlRow("-C", "1000000", "/big.bin"), 1, false, ""},
		{"one range from 0 to the end", curlRow("-r", "0-", "/big.bin"), 1, true, "/big.bin"},
		{"parallel halves from one client", parallelHalves, 2, true, "/big.bin"},
		{"half of the file, alone", curlRow("-r", "0-"+strconv.Itoa(reachSize/2-1), "/big.bin"), 1, false, ""},
		{"a folder as .zip", curlRow("/sub/?zip"), 1, true, "/sub/?zip"},
		{"a folder as .tar.gz, HEAD", curlRow("-I", "/sub/?tgz"), 1, false, ""},
		{"an upload", curlRow("-T", upload, "/up.txt"), 1, false, ""},
		{"big file again", curlRow("/big.bin"), 1, true, "/big.bin"},
	}
	total := 0
	for _, tt := range tests {
		if tt.counts {
			total++
		}
	}
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--upload", "--max-downloads", strconv.Itoa(total), reachDir(t))
	base := baseURL(p.port())
	logs, done := 0, 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.do(t, base)
			logs += tt.requests
			p.waitLogs(logs)
			if !tt.counts {
				return
			}
			done++
			want := fmt.Sprintf("download %d of %d complete: 127.0.0.1 took %s", done, total, tt.path)
			p.waitStderr(regexp.MustCompile(regexp.QuoteMeta(want)))
			if got := countRE.FindAllString(p.stderr.String(), -1); len(got) != done {
				t.Errorf("complete download notices: got %q, want %d of them", got, done)
			}
		})
	}
	if code := p.wait(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	out := p.output()
	if got, want := out[len(out)-1], fmt.Sprintf("Share ended: %d complete downloads (--max-downloads %d).", total, total); got != want {
		t.Errorf("last line: got %q, want %q", got, want)
	}
}

// parallelHalves fetches big.bin in two Range requests that run together,
// as a download manager does: the second starts while the first is still
// sending (its client has not read it, and it is far bigger than the
// socket buffers).
func parallelHalves(t *testing.T, base string) {
	c := &http.Client{Timeout: waitFor, Transport: &http.Transport{DisableKeepAlives: true}}
	open := func(rng string) *http.Response {
		req, err := http.NewRequest("GET", base+"/big.bin", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Range", "bytes="+rng)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET Range %s: %v", rng, err)
		}
		if resp.StatusCode != http.StatusPartialContent {
			t.Fatalf("GET Range %s: got %d, want 206", rng, resp.StatusCode)
		}
		return resp
	}
	half := reachSize / 2
	first := open("0-" + strconv.Itoa(half-1))
	defer first.Body.Close()
	second := open(strconv.Itoa(half) + "-")
	defer second.Body.Close()
	for _, r := range []*http.Response{first, second} {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil || n != int64(half) {
			t.Fatalf("reading a half: got %d bytes, %v, want %d", n, err, half)
		}
	}
}

// TestTimeout: --timeout ends the share once the time has passed, and
// shareit says why and exits 0.
func TestTimeout(t *testing.T) {
	began := time.Now()
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--timeout", "2s", reachDir(t))
	if status, _ := get(t, p.port(), "/small.txt"); status != 200 {
		t.Errorf("GET /small.txt: got %d, want 200", status)
	}
	if code := p.wait(); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if took := time.Since(began); took < 2*time.Second {
		t.Errorf("shareit ended after %v, want at least the 2s of --timeout", took)
	}
	out := p.output()
	if got, want := out[len(out)-1], "Share ended: open for 2s (--timeout 2s)."; got != want {
		t.Errorf("last line: got %q, want %q", got, want)
	}
}
