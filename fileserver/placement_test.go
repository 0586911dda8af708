package fileserver_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
)

// TestWholeFileTaken: what the server tells the tracker lets it say
// whether a file was taken whole: the ended transfer's Snapshot (Whole,
// Complete) for tracked bodies, and the log line (File, Transfer) for all.
func TestWholeFileTaken(t *testing.T) {
	const big = 1 << 20
	dir := t.TempDir()
	writePattern(t, filepath.Join(dir, "big.bin"), big)
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, tracker, base := startServer(t, fileserver.Config{Root: dir})
	sub := tracker.Subscribe()
	defer sub.Close()
	client := &http.Client{Timeout: 10 * time.Second}

	tests := []struct {
		name, method, path, rng string
		tracked                 bool  // ends as a transfer
		whole                   int64 // its Snapshot.Whole
		complete                bool  // Snapshot.Complete, or LogLine.Complete() when not tracked
		file                    int64 // LogLine.File
	}{
		{"big file", "GET", "/big.bin", "", true, big, true, big},
		{"a range of it", "GET", "/big.bin", "bytes=0-99999", true, big, false, big},
		{"a range to its end", "GET", "/big.bin", "bytes=0-", true, big, true, big},
		{"ranges in one multipart body", "GET", "/big.bin", "bytes=0-99999,100000-", true, big, false, big},
		{"HEAD of it", "HEAD", "/big.bin", "", false, 0, false, big},
		{"small file", "GET", "/small.txt", "", false, 0, true, 6},
		{"a range of the small file", "GET", "/small.txt", "bytes=0-1", false, 0, false, 6},
		{"listing", "GET", "/", "", false, 0, false, -1},
		{"missing", "GET", "/nope", "", false, 0, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.rng != "" {
				req.Header.Set("Range", tt.rng)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()

			var snap *transfer.Snapshot
			ev := waitEvent(t, sub, 10*time.Second, func(ev transfer.Event) bool {
				if ended(ev) {
					s := ev.Transfer
					snap = &s
				}
				return ev.Kind == transfer.EventLog
			})
			line := ev.Log
			if line.File != tt.file {
				t.Errorf("LogLine.File: got %d, want %d", line.File, tt.file)
			}
			if got := snap != nil; got != tt.tracked {
				t.Fatalf("tracked: got %v, want %v", got, tt.tracked)
			}
			if !tt.tracked {
				if line.Transfer != 0 || line.Complete() != tt.complete {
					t.Errorf("LogLine: got Transfer %d, Complete() %v; want 0, %v", line.Transfer, line.Complete(), tt.complete)
				}
				return
			}
			if line.Transfer != snap.ID || line.Complete() {
				t.Errorf("LogLine: got Transfer %d, Complete() %v; want the transfer's %d, false", line.Transfer, line.Complete(), snap.ID)
			}
			if snap.Whole != tt.whole || snap.Complete != tt.complete {
				t.Errorf("Snapshot: got Whole %d, Complete %v; want %d, %v", snap.Whole, snap.Complete, tt.whole, tt.complete)
			}
		})
	}
}

// TestBigListingIsNoFile: a listing page big enough to be tracked is not a
// file anybody took.
func TestBigListingIsNoFile(t *testing.T) {
	dir := t.TempDir()
	for i := range 2000 {
		name := filepath.Join(dir, "a-rather-long-file-name-to-make-the-page-big-"+strconv.Itoa(i)+".txt")
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, tracker, base := startServer(t, fileserver.Config{Root: dir})
	sub := tracker.Subscribe()
	defer sub.Close()
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if n < 64<<10 {
		t.Fatalf("listing: got %d bytes, want a page of 64 KiB or more", n)
	}
	ev := waitEvent(t, sub, 10*time.Second, ended)
	if ev.Transfer.Whole != -1 || ev.Transfer.Complete {
		t.Errorf("listing's transfer: got Whole %d, Complete %v; want -1, false", ev.Transfer.Whole, ev.Transfer.Complete)
	}
}
