package fileserver

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The stored-zip writer on its own: its announced size is what it writes,
// and what it writes opens in Go's archive/zip and passes Info-ZIP's
// unzip -t, with zip64 records forced on small archives and for real past
// 4 GiB and 65,535 entries.

var zipTime = time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)

// zipMember is a file for the writer with its content.
type zipMember struct {
	zipFile
	content string
}

// writeTestZip writes members to w, with zip64 records everywhere when
// force64, and returns the size the writer announced.
func writeTestZip(t *testing.T, w io.Writer, members []zipMember, force64 bool) int64 {
	t.Helper()
	files := make([]zipFile, len(members))
	for i, m := range members {
		files[i] = m.zipFile
	}
	zw := newZipWriter(w, files)
	zw.force64 = force64
	size := zw.size()
	for _, m := range members {
		var r io.Reader
		if !m.dir {
			r = strings.NewReader(m.content)
		}
		if err := zw.add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.close(); err != nil {
		t.Fatal(err)
	}
	return size
}

func unzipTest(t *testing.T, path string, only ...string) {
	t.Helper()
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Fatal("unzip is needed for this test and is not installed (`make test` installs it)")
	}
	out, err := exec.Command("unzip", append([]string{"-t", path}, only...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No errors detected") {
		t.Errorf("unzip -t: %v\n%s", err, out)
	}
}

func TestZipWriter(t *testing.T) {
	many := make([]zipMember, 70_000) // past the 65,535 entries of a plain zip
	for i := range many {
		many[i] = zipMember{zipFile{name: fmt.Sprintf("d/%05d.txt", i), size: 2, mtime: zipTime, perm: 0o644}, "x\n"}
	}
	tests := []struct {
		name    string
		members []zipMember
		force64 bool
	}{
		{"empty", nil, false},
		{"files and folders", []zipMember{
			{zipFile{name: "top/", mtime: zipTime, perm: 0o755, dir: true}, ""},
			{zipFile{name: "top/a.txt", size: 6, mtime: zipTime, perm: 0o644}, "hello\n"},
			{zipFile{name: "top/empty.txt", mtime: zipTime, perm: 0o600}, ""},
			{zipFile{name: "top/café ☕.txt", size: 3, mtime: zipTime, perm: 0o755}, "abc"},
			{zipFile{name: "top/bad\xff.txt", size: 3, mtime: zipTime, perm: 0o644}, "def"},
			{zipFile{name: "top/old.txt", size: 3, mtime: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), perm: 0o644}, "old"},
		}, false},
		{"zip64 forced", []zipMember{
			{zipFile{name: "top/", mtime: zipTime, perm: 0o755, dir: true}, ""},
			{zipFile{name: "top/a.txt", size: 6, mtime: zipTime, perm: 0o644}, "hello\n"},
			{zipFile{name: "top/b.txt", size: 1000, mtime: zipTime, perm: 0o644}, strings.Repeat("b", 1000)},
		}, true},
		{"70000 entries", many, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			size := writeTestZip(t, &buf, tc.members, tc.force64)
			if size != int64(buf.Len()) {
				t.Fatalf("announced %d bytes, wrote %d", size, buf.Len())
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatalf("archive/zip: %v", err)
			}
			if len(zr.File) != len(tc.members) {
				t.Fatalf("got %d members, want %d", len(zr.File), len(tc.members))
			}
			for i, f := range zr.File {
				m := tc.members[i]
				rc, err := f.Open()
				if err != nil {
					t.Fatalf("%q: %v", f.Name, err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				switch {
				case err != nil:
					t.Errorf("%q: %v", f.Name, err)
				case f.Name != m.name || string(got) != m.content:
					t.Errorf("member %d: got %q %q, want %q %q", i, f.Name, got, m.name, m.content)
				case f.Mode().Perm() != m.perm || f.Mode().IsDir() != m.dir:
					t.Errorf("%q: mode %v, want %v (folder %t)", f.Name, f.Mode(), m.perm, m.dir)
				case !f.Modified.Equal(m.mtime):
					t.Errorf("%q: modified %v, want %v", f.Name, f.Modified, m.mtime)
				case f.Method != zip.Store || f.Flags&zipFlagDesc == 0:
					t.Errorf("%q: method %d flags %#x, want stored with a data descriptor", f.Name, f.Method, f.Flags)
				}
			}
			path := filepath.Join(t.TempDir(), "test.zip")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if len(tc.members) > 0 {
				unzipTest(t, path)
			}
		})
	}
}

// TestZipWriterShortFile: a file that ends before its planned size is an
// error, not a short member.
func TestZipWriterShortFile(t *testing.T) {
	zw := newZipWriter(io.Discard, []zipFile{{name: "a.txt", size: 10, mtime: zipTime}})
	if err := zw.add(strings.NewReader("short")); !errors.Is(err, errSizeChanged) {
		t.Errorf("got %v, want errSizeChanged", err)
	}
}

// zeros reads as zeros, forever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// sparseFile writes to a file, seeking over zeros, so a mostly empty
// archive of several GiB takes no disk.
type sparseFile struct {
	f   *os.File
	off int64
}

var zeroBlock = make([]byte, 1<<20)

func (s *sparseFile) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		k := min(len(rest), len(zeroBlock))
		if !bytes.Equal(rest[:k], zeroBlock[:k]) {
			n, err := s.f.WriteAt(p, s.off)
			s.off += int64(n)
			return n, err
		}
		rest = rest[k:]
	}
	s.off += int64(len(p))
	return len(p), nil
}

// TestZipWriter4GiB writes an archive past 4 GiB: a member over 4 GiB of
// zeros, and a member that starts past 4 GiB. Info-ZIP's unzip checks the
// structure and the member beyond 4 GiB; archive/zip checks the sizes and
// the CRC of the big one.
func TestZipWriter4GiB(t *testing.T) {
	const big = 4<<30 + 5
	files := []zipFile{
		{name: "huge/", mtime: zipTime, perm: 0o755, dir: true},
		{name: "huge/zeros.bin", size: big, mtime: zipTime, perm: 0o644},
		{name: "huge/after.txt", size: 11, mtime: zipTime, perm: 0o644},
	}
	path := filepath.Join(t.TempDir(), "huge.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := &sparseFile{f: f}
	zw := newZipWriter(out, files)
	size := zw.size()
	for _, r := range []io.Reader{nil, io.LimitReader(zeros{}, big), strings.NewReader("after 4GiB\n")} {
		if err := zw.add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(out.off); err != nil {
		t.Fatal(err)
	}
	if size != out.off {
		t.Fatalf("announced %d bytes, wrote %d", size, out.off)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("archive/zip: %v", err)
	}
	defer zr.Close()
	// crc32.ChecksumIEEE of 4 GiB + 5 zero bytes, computed once.
	const wantCRC = 0xb1c2a1a3
	for i, zf := range zr.File {
		if zf.Name != files[i].name || zf.UncompressedSize64 != uint64(files[i].size) {
			t.Errorf("member %d: got %q of %d bytes, want %q of %d", i, zf.Name, zf.UncompressedSize64, files[i].name, files[i].size)
		}
	}
	if got := zr.File[1].CRC32; got != wantCRC {
		t.Errorf("CRC of the big member: got %#x, want %#x", got, wantCRC)
	}
	rc, err := zr.File[2].Open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(b) != "after 4GiB\n" {
		t.Errorf("the member past 4 GiB: got %q, %v", b, err)
	}
	unzipTest(t, path, "huge/after.txt")
}
