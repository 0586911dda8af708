package fileserver_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// archiveTree is a folder to archive, with what every rule decides about:
// dotfiles, links inside and out, a link back up (a loop), a fifo, an
// empty folder, and odd names. It returns the root and the folder outside
// it that links point to.
func archiveTree(t *testing.T) (root, outside string) {
	t.Helper()
	root, outside = t.TempDir(), t.TempDir()
	files := map[string]string{
		"top.txt":              "top\n",
		"sub/a.txt":            "a\n",
		"sub/deeper/b.txt":     strings.Repeat("b", 100_000),
		"sub/.hidden.txt":      "hidden\n",
		".dotdir/c.txt":        "c\n",
		"café ☕/x&y;z #1?.txt": "odd\n",
		"bad\xff name.txt":     "not UTF-8\n",
		"tab\tnew\nline.txt":   "control\n",
		"100% off.txt":         "percent\n",
		"exec.sh":              "#!/bin/sh\n",
	}
	writeTree(t, root, files)
	writeTree(t, outside, map[string]string{"out.txt": "outside\n", "outdir/o.txt": "o\n"})
	must(t, os.Chmod(filepath.Join(root, "exec.sh"), 0o755))
	must(t, os.Mkdir(filepath.Join(root, "empty"), 0o755))
	must(t, os.Symlink("top.txt", filepath.Join(root, "link-in.txt")))
	must(t, os.Symlink("sub/deeper", filepath.Join(root, "link-dir")))
	must(t, os.Symlink("..", filepath.Join(root, "sub", "loop")))
	must(t, os.Symlink(filepath.Join(outside, "out.txt"), filepath.Join(root, "link-out.txt")))
	must(t, os.Symlink(filepath.Join(outside, "outdir"), filepath.Join(root, "link-outdir")))
	makeFIFO(t, filepath.Join(root, "fifo"))
	pinTimes(t, root)
	pinTimes(t, outside)
	return root, outside
}

// wantArchive is what archiveTree's archive holds under cfg: path → content,
// folders ending in "/" with "".
func wantArchive(top string, cfg fileserver.Config) map[string]string {
	want := map[string]string{
		"": "", "top.txt": "top\n", "sub/": "", "sub/a.txt": "a\n", "sub/deeper/": "",
		"sub/deeper/b.txt": strings.Repeat("b", 100_000), "café ☕/": "", "café ☕/x&y;z #1?.txt": "odd\n",
		"bad\xff name.txt": "not UTF-8\n", "tab\tnew\nline.txt": "control\n", "100% off.txt": "percent\n",
		"exec.sh": "#!/bin/sh\n", "empty/": "", "link-in.txt": "top\n", "link-dir/": "",
		"link-dir/b.txt": strings.Repeat("b", 100_000),
	}
	if cfg.Hidden {
		want["sub/.hidden.txt"] = "hidden\n"
		want[".dotdir/"] = ""
		want[".dotdir/c.txt"] = "c\n"
	}
	if cfg.FollowSymlinks {
		want["link-out.txt"] = "outside\n"
		want["link-outdir/"] = ""
		want["link-outdir/o.txt"] = "o\n"
	}
	out := map[string]string{}
	for name, content := range want {
		out[top+"/"+name] = content
	}
	return out
}

// readZip reads every member of a zip: name → content.
func readZip(t *testing.T, b []byte) (map[string]string, []*zip.File) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("archive/zip cannot open it: %v", err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%q: %v", f.Name, err)
		}
		content, err := io.ReadAll(rc) // checks the CRC and the size
		rc.Close()
		if err != nil {
			t.Fatalf("%q: %v", f.Name, err)
		}
		if _, dup := got[f.Name]; dup {
			t.Errorf("%q is in the zip twice", f.Name)
		}
		got[f.Name] = string(content)
	}
	return got, zr.File
}

// readTarGz reads every member of a .tar.gz: name → content.
func readTarGz(t *testing.T, b []byte) (map[string]string, []*tar.Header) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got := map[string]string{}
	var hdrs []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = string(content)
		hdrs = append(hdrs, h)
	}
	if _, err := io.Copy(io.Discard, gz); err != nil { // the gzip trailer's CRC and size
		t.Fatal(err)
	}
	return got, hdrs
}

// checkTool runs a tool on an archive written to disk and fails on a
// non-zero exit; it returns the tool's output.
func checkTool(t *testing.T, body []byte, ext string, tool string, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive"+ext)
	must(t, os.WriteFile(path, body, 0o644))
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is needed for this test and is not installed (`make test` installs it)", tool)
	}
	out, err := execOutput(tool, append(args, path)...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return out
}

func diffMaps(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: %q is missing", what, name)
		case g != w:
			t.Errorf("%s: %q holds %d bytes %.20q, want %d bytes %.20q", what, name, len(g), g, len(w), w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %q should not be there", what, name)
		}
	}
}

// TestArchiveContents downloads a folder as .zip and .tar.gz under each
// rule set and compares every member, byte for byte, with the folder; the
// archives also pass unzip -t and tar -tzf.
func TestArchiveContents(t *testing.T) {
	root, _ := archiveTree(t)
	top := filepath.Base(root)
	configs := []struct {
		name string
		cfg  fileserver.Config
	}{
		{"default", fileserver.Config{}},
		{"hidden", fileserver.Config{Hidden: true}},
		{"follow-symlinks", fileserver.Config{FollowSymlinks: true}},
	}
	for _, c := range configs {
		c.cfg.Root = root
		_, _, base := startServer(t, c.cfg)
		want := wantArchive(top, c.cfg)
		t.Run(c.name+"/zip", func(t *testing.T) {
			resp, body := httpDo(t, "GET", base+"/?zip", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("got status %d, want 200", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/zip" {
				t.Errorf("Content-Type: got %q, want application/zip", got)
			}
			if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length: got %q, want the %d bytes received", cl, len(body))
			}
			got, members := readZip(t, body)
			diffMaps(t, "zip", got, want)
			for _, f := range members {
				if !f.Modified.Equal(fixedTime) {
					t.Errorf("%q: modified %v, want %v", f.Name, f.Modified, fixedTime)
				}
				if f.Name == top+"/exec.sh" && f.Mode().Perm() != 0o755 {
					t.Errorf("%q: mode %v, want 0755", f.Name, f.Mode())
				}
				if strings.HasSuffix(f.Name, "/") != f.Mode().IsDir() {
					t.Errorf("%q: mode %v", f.Name, f.Mode())
				}
				if utf8 := f.Flags&0x800 != 0; utf8 == strings.Contains(f.Name, "\xff") {
					t.Errorf("%q: UTF-8 flag %t", f.Name, utf8)
				}
			}
			out := checkTool(t, body, ".zip", "unzip", "-t")
			if !strings.Contains(out, "No errors detected") {
				t.Errorf("unzip -t: %s", out)
			}
		})
		t.Run(c.name+"/tgz", func(t *testing.T) {
			resp, body := httpDo(t, "GET", base+"/?tgz", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("got status %d, want 200", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/gzip" {
				t.Errorf("Content-Type: got %q, want application/gzip", got)
			}
			got, hdrs := readTarGz(t, body)
			diffMaps(t, "tar.gz", got, want)
			for _, h := range hdrs {
				if !h.ModTime.Equal(fixedTime) {
					t.Errorf("%q: modified %v, want %v", h.Name, h.ModTime, fixedTime)
				}
			}
			out := checkTool(t, body, ".tar.gz", "tar", "-tzf")
			if lines := strings.Count(out, "\n"); lines != len(want) {
				t.Errorf("tar -tzf lists %d members, want %d:\n%s", lines, len(want), out)
			}
		})
	}
}

// TestArchiveSubfolder: a subfolder's archive is named after it and holds
// only it; refused folders stay refused.
func TestArchiveSubfolder(t *testing.T) {
	root, _ := archiveTree(t)
	_, _, base := startServer(t, fileserver.Config{Root: root})
	tests := []struct {
		path   string
		status int
		want   map[string]string
	}{
		{"/sub/deeper/?zip", 200, map[string]string{"deeper/": "", "deeper/b.txt": strings.Repeat("b", 100_000)}},
		{"/link-dir/?zip", 200, map[string]string{"link-dir/": "", "link-dir/b.txt": strings.Repeat("b", 100_000)}},
		{"/empty/?zip", 200, map[string]string{"empty/": ""}},
		{"/.dotdir/?zip", 404, nil},
		{"/link-outdir/?zip", 403, nil},
		{"/missing/?zip", 404, nil},
		{"/sub?zip", 301, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := httpDo(t, "GET", base+tc.path, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("got status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.want != nil {
				got, _ := readZip(t, body)
				diffMaps(t, tc.path, got, tc.want)
			}
		})
	}
}

// TestArchiveCurl saves both archives with curl -OJ, under the name the
// server gives, and checks them with unzip and tar.
func TestArchiveCurl(t *testing.T) {
	curl := curlPath(t)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"my photos ☕/a.jpg": strings.Repeat("a", 300_000), "my photos ☕/b/c.txt": "c\n"})
	_, _, base := startServer(t, fileserver.Config{Root: root})
	for _, kind := range []struct{ query, file string }{{"zip", "my photos _.zip"}, {"tgz", "my photos _.tar.gz"}} {
		t.Run(kind.query, func(t *testing.T) {
			out := t.TempDir()
			// curl -J takes the ASCII filename, not RFC 8187's filename*.
			cmd := exec.Command(curl, "-sS", "--fail", "-O", "-J", "--max-time", "30",
				"-w", "%{size_download} %header{content-length}", base+"/my%20photos%20%E2%98%95/?"+kind.query)
			cmd.Dir = out
			stdout, err := cmd.Output()
			if err != nil {
				t.Fatalf("curl: %v", err)
			}
			saved := filepath.Join(out, kind.file)
			body, err := os.ReadFile(saved)
			if err != nil {
				entries, _ := os.ReadDir(out)
				t.Fatalf("curl saved %v, want %q: %v", entries, kind.file, err)
			}
			size, length, _ := strings.Cut(string(stdout), " ")
			if size != strconv.Itoa(len(body)) || (kind.query == "zip" && length != size) {
				t.Errorf("curl: downloaded %s bytes, Content-Length %q, file %d bytes; want all equal", size, length, len(body))
			}
			var got map[string]string
			if kind.query == "zip" {
				checkTool(t, body, ".zip", "unzip", "-t")
				got, _ = readZip(t, body)
			} else {
				checkTool(t, body, ".tar.gz", "tar", "-tzf")
				got, _ = readTarGz(t, body)
			}
			diffMaps(t, kind.file, got, map[string]string{
				"my photos ☕/": "", "my photos ☕/a.jpg": strings.Repeat("a", 300_000), "my photos ☕/b/": "", "my photos ☕/b/c.txt": "c\n",
			})
		})
	}
}

// TestArchiveDisposition: the archive is saved under the folder's name,
// whatever its characters.
func TestArchiveDisposition(t *testing.T) {
	root := t.TempDir()
	tests := []struct{ folder, want string }{
		{"plain", `attachment; filename="plain.zip"; filename*=UTF-8''plain.zip`},
		{"with space", `attachment; filename="with space.zip"; filename*=UTF-8''with%20space.zip`},
		{"café ☕", `attachment; filename="caf_ _.zip"; filename*=UTF-8''caf%C3%A9%20%E2%98%95.zip`},
		{`quote"d`, `attachment; filename="quote_d.zip"; filename*=UTF-8''quote%22d.zip`},
		{"100%", `attachment; filename="100_.zip"; filename*=UTF-8''100%25.zip`},
		{"bad\xff", `attachment; filename="bad_.zip"; filename*=UTF-8''bad_.zip`},
		{"semi;colon", `attachment; filename="semi;colon.zip"; filename*=UTF-8''semi%3Bcolon.zip`},
	}
	for _, tc := range tests {
		must(t, os.Mkdir(filepath.Join(root, tc.folder), 0o755))
	}
	_, _, base := startServer(t, fileserver.Config{Root: root})
	for _, tc := range tests {
		t.Run(tc.folder, func(t *testing.T) {
			resp, _ := httpDo(t, "HEAD", base+"/"+escapePath(tc.folder)+"/?zip", nil)
			if got := resp.Header.Get("Content-Disposition"); got != tc.want {
				t.Errorf("Content-Disposition:\ngot  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func escapePath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// TestArchiveHead: HEAD announces the length GET sends, and sends nothing.
func TestArchiveHead(t *testing.T) {
	root, _ := archiveTree(t)
	_, _, base := startServer(t, fileserver.Config{Root: root})
	head, body := httpDo(t, "HEAD", base+"/?zip", nil)
	if len(body) != 0 {
		t.Errorf("HEAD: got a %d-byte body", len(body))
	}
	_, got := httpDo(t, "GET", base+"/?zip", nil)
	if cl := head.Header.Get("Content-Length"); cl != strconv.Itoa(len(got)) {
		t.Errorf("HEAD Content-Length %q, GET sends %d bytes", cl, len(got))
	}
}

// TestArchiveTransfer: archives are transfers of their own kind, with the
// zip's size known and the .tar.gz's not, and they finish.
func TestArchiveTransfer(t *testing.T) {
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), 3<<20)
	_, tracker, base := startServer(t, fileserver.Config{Root: root})
	for _, tc := range []struct {
		query string
		sized bool
	}{{"zip", true}, {"tgz", false}} {
		t.Run(tc.query, func(t *testing.T) {
			sub := tracker.Subscribe()
			defer sub.Close()
			resp, body := httpDo(t, "GET", base+"/?"+tc.query, nil)
			started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
			end := waitEvent(t, sub, 10*time.Second, ended)
			s := started.Transfer
			if s.Kind != transfer.Archive || s.Path != "/?"+tc.query {
				t.Errorf("started: kind %v path %q, want archive %q", s.Kind, s.Path, "/?"+tc.query)
			}
			wantSize := int64(-1)
			if tc.sized {
				wantSize, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
			}
			if s.Size != wantSize {
				t.Errorf("size: got %d, want %d", s.Size, wantSize)
			}
			if end.Kind != transfer.EventFinished || end.Transfer.Bytes != int64(len(body)) {
				t.Errorf("end: got %v with %d bytes (%s), want finished with the %d bytes sent", end.Kind, end.Transfer.Bytes, end.Transfer.Err, len(body))
			}
		})
	}
}

// TestArchivePauseCancel: a paused archive sends nothing until resumed and
// then completes; a cancelled one is cut off.
func TestArchivePauseCancel(t *testing.T) {
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), 4<<20)
	_, tracker, base := startServer(t, fileserver.Config{Root: root})
	for _, query := range []string{"zip", "tgz"} {
		t.Run(query+"/resume", func(t *testing.T) {
			sub := tracker.Subscribe()
			defer sub.Close()
			tracker.Pause()
			type result struct {
				body []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				resp, err := testClient.Get(base + "/?" + query)
				if err != nil {
					done <- result{nil, err}
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				done <- result{b, err}
			}()
			started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
			if s := tracker.Snapshot(); len(s.Transfers) != 1 || s.Transfers[0].Bytes != 0 || !s.Paused {
				t.Errorf("while paused: %+v, want one paused transfer with no bytes", s.Transfers)
			}
			tracker.Resume()
			r := <-done
			if r.err != nil {
				t.Fatalf("download after resume: %v", r.err)
			}
			end := waitEvent(t, sub, 10*time.Second, ended)
			if end.Kind != transfer.EventFinished || end.Transfer.ID != started.Transfer.ID {
				t.Errorf("end: got %v %q, want finished", end.Kind, end.Transfer.Err)
			}
		})
		t.Run(query+"/cancel", func(t *testing.T) {
			sub := tracker.Subscribe()
			defer sub.Close()
			tracker.Pause()
			defer tracker.Resume()
			done := make(chan error, 1)
			go func() {
				resp, err := testClient.Get(base + "/?" + query)
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				done <- err
			}()
			started := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
			if !tracker.Cancel(started.Transfer.ID) {
				t.Fatal("Cancel: the transfer is not active")
			}
			if err := <-done; err == nil {
				t.Error("the cancelled download ended cleanly, want it cut off")
			}
			end := waitEvent(t, sub, 10*time.Second, ended)
			if end.Kind != transfer.EventCancelled {
				t.Errorf("end: got %v, want cancelled", end.Kind)
			}
		})
	}
}

// TestArchiveSizeChanged: a file that changes after the archive was
// planned ends the response early, on the wire as a broken download:
// never a short or long zip under the announced length, nor a .tar.gz that
// ends as if it were whole. The checks are the same for both formats; the
// file being sent is changed in a zip only, for it takes a file larger than
// the socket buffers.
func TestArchiveSizeChanged(t *testing.T) {
	const big = 32 << 20
	changes := []struct {
		name    string
		sending bool // a.bin is being sent; else b.txt is yet to come
		change  func(t *testing.T, root string)
	}{
		{"file being sent grows", true, func(t *testing.T, root string) { testkit.AppendFile(t, filepath.Join(root, "a.bin"), "more") }},
		{"file being sent shrinks", true, func(t *testing.T, root string) { must(t, os.Truncate(filepath.Join(root, "a.bin"), big/2)) }},
		{"later file grows", false, func(t *testing.T, root string) { testkit.AppendFile(t, filepath.Join(root, "b.txt"), "more") }},
		{"later file shrinks", false, func(t *testing.T, root string) { must(t, os.Truncate(filepath.Join(root, "b.txt"), 1)) }},
		{"later file removed", false, func(t *testing.T, root string) { must(t, os.Remove(filepath.Join(root, "b.txt"))) }},
	}
	for _, query := range []string{"zip", "tgz"} {
		for _, c := range changes {
			if c.sending && query != "zip" {
				continue
			}
			t.Run(query+"/"+c.name, func(t *testing.T) {
				root := t.TempDir()
				size := int64(2 << 20)
				if c.sending {
					size = big
				}
				writePattern(t, filepath.Join(root, "a.bin"), size)
				must(t, os.WriteFile(filepath.Join(root, "b.txt"), []byte("b content\n"), 0o644))
				_, tracker, base := startServer(t, fileserver.Config{Root: root})
				sub := tracker.Subscribe()
				defer sub.Close()
				if !c.sending {
					tracker.Pause() // the archive waits at its first chunk, before b.txt
				}
				type result struct {
					n, length int64
					err       error
				}
				firstByte, goOn, done := make(chan struct{}), make(chan struct{}), make(chan result, 1)
				go func() {
					resp, err := testClient.Get(base + "/?" + query)
					if err != nil {
						close(firstByte)
						done <- result{err: err}
						return
					}
					defer resp.Body.Close()
					_, err = io.ReadFull(resp.Body, make([]byte, 1))
					close(firstByte)
					<-goOn
					rest, rerr := io.ReadAll(resp.Body)
					done <- result{1 + int64(len(rest)), resp.ContentLength, cmpOrErr(err, rerr)}
				}()
				if c.sending {
					// a.bin is open and partly sent; stop the server at its
					// next chunk, well before the end of a.bin.
					<-firstByte
					tracker.Pause()
					waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
						return ev.Kind == transfer.EventProgress && ev.Progress.Paused
					})
				} else {
					waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventStarted })
				}
				c.change(t, root)
				tracker.Resume()
				close(goOn)
				r := <-done
				if !errors.Is(r.err, io.ErrUnexpectedEOF) || (r.length >= 0 && r.n >= r.length) {
					t.Errorf("got %d bytes of %d and error %v, want the download cut off (unexpected EOF)", r.n, r.length, r.err)
				}
				if end := waitEvent(t, sub, 10*time.Second, ended); end.Kind != transfer.EventFailed {
					t.Errorf("transfer ended %v, want failed", end.Kind)
				}
			})
		}
	}
}

func cmpOrErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
