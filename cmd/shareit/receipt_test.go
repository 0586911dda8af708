package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// TestReceipt: --receipt appends one JSON line per finished transfer —
// complete, aborted, partial, small — after what the file held, and
// nothing for a HEAD or a listing. Names with control characters and bytes
// that are not UTF-8 come out as valid, escaped JSON.
func TestReceipt(t *testing.T) {
	dir := reachDir(t)
	for _, name := range []string{"bell\x07\x1b[31m.txt", "caf\xe9.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("odd\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "taken.jsonl")
	const before = `{"an":"older line"}` + "\n"
	if err := os.WriteFile(file, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(upload, []byte("up\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	p := start(t, "", "--headless", "-b", "127.0.0.1", "-p", "0", "--upload", "--receipt", file, dir)
	base := baseURL(p.port())

	steps := []struct {
		name string
		args []string
	}{
		{"complete", []string{"-A", "fetch/1", base + "/big.bin"}},
		{"aborted", []string{"-A", "fetch/2", "--max-filesize", "1000", base + "/big.bin"}},
		{"HEAD: no line", []string{"-I", base + "/big.bin"}},
		{"listing: no line", []string{base + "/"}},
		{"small", []string{"-A", "fetch/3", base + "/small.txt"}},
		{"range", []string{"-A", "fetch/4", "-r", "0-99999", base + "/big.bin"}},
		{"control characters", []string{base + "/bell%07%1b%5b31m.txt"}},
		{"not UTF-8", []string{base + "/caf%e9.txt"}},
		{"archive", []string{base + "/sub/?zip"}},
		{"upload", []string{"-T", upload, base + "/up.txt"}},
	}
	for i, s := range steps {
		curl(t, s.args...)
		p.waitLogs(i + 1) // in order, one at a time
	}
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}

	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte(before)) {
		t.Fatalf("receipt file: got %q, want it to start with what it held", raw)
	}
	type line struct {
		Time      time.Time `json:"time"`
		Client    string    `json:"client"`
		UserAgent string    `json:"user_agent"`
		Kind      string    `json:"kind"`
		Path      string    `json:"path"`
		Bytes     int64     `json:"bytes"`
		Size      int64     `json:"size"`
		Complete  bool      `json:"complete"`
		Duration  float64   `json:"duration"`
		Error     string    `json:"error"`
		SHA256    string    `json:"sha256"`
	}
	var got []line
	sc := bufio.NewScanner(bytes.NewReader(raw[len(before):]))
	for sc.Scan() {
		b := sc.Bytes()
		if !utf8.Valid(b) || !json.Valid(b) || bytes.ContainsFunc(b, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("not one line of valid UTF-8 JSON without raw controls: %q", b)
			continue
		}
		var l line
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Errorf("line %q: %v", b, err)
			continue
		}
		got = append(got, l)
	}
	want := []struct {
		kind, path, ua string
		bytes, size    int64 // bytes -1: some, not all; -2: an archive, all of its size
		complete       bool
		err            bool
	}{
		{"download", "/big.bin", "fetch/1", reachSize, reachSize, true, false},
		{"download", "/big.bin", "fetch/2", -1, reachSize, false, true},
		{"download", "/small.txt", "fetch/3", 6, 6, true, false},
		{"download", "/big.bin", "fetch/4", 100000, reachSize, false, false},
		{"download", "/bell\x07\x1b[31m.txt", "curl/", 4, 4, true, false},
		{"download", "/caf%E9.txt", "curl/", 4, 4, true, false},
		{"archive", "/sub/?zip", "curl/", -2, 0, true, false},
		{"upload", "/up.txt", "curl/", 3, 3, true, false},
	}
	if len(got) != len(want) {
		t.Fatalf("receipt lines: got %d, want %d:\n%s", len(got), len(want), raw)
	}
	for i, w := range want {
		g := got[i]
		path := g.Path
		if w.kind == "upload" {
			// The upload's path is the uploads code's to name (a PUT's is
			// the target's, for now given twice): only its end is checked.
			path = "/" + filepath.Base(g.Path)
			if sum := sha256.Sum256([]byte("up\n")); g.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("line %d: the upload's sha256 is %q, want that of what was sent", i+1, g.SHA256)
			}
		}
		if path != w.path || g.Kind != w.kind || g.Client != "127.0.0.1" || !strings.HasPrefix(g.UserAgent, w.ua) {
			t.Errorf("line %d: got %s %q by %s (%q), want %s %q by 127.0.0.1 (%q)", i+1, g.Kind, g.Path, g.Client, g.UserAgent, w.kind, w.path, w.ua)
		}
		switch {
		case w.bytes == -2: // an archive: as many bytes as its size, whatever that is
			if g.Bytes <= 0 || g.Bytes != g.Size {
				t.Errorf("line %d (%s): got %d bytes of %d, want all of them", i+1, w.path, g.Bytes, g.Size)
			}
			w.size = g.Size
		case w.bytes == -1:
			if g.Bytes <= 0 || g.Bytes >= w.size {
				t.Errorf("line %d (%s): got %d bytes, want some, not all %d", i+1, w.path, g.Bytes, w.size)
			}
		case g.Bytes != w.bytes:
			t.Errorf("line %d (%s): got %d bytes, want %d", i+1, w.path, g.Bytes, w.bytes)
		}
		if g.Size != w.size || g.Complete != w.complete || (g.Error != "") != w.err {
			t.Errorf("line %d (%s): got size %d, complete %v, error %q; want %d, %v, error %v", i+1, w.path, g.Size, g.Complete, g.Error, w.size, w.complete, w.err)
		}
		if g.Time.Before(began.Add(-time.Second)) || g.Time.After(time.Now()) || g.Duration < 0 {
			t.Errorf("line %d (%s): got time %v, duration %v, want a time during the test", i+1, w.path, g.Time, g.Duration)
		}
	}
}
