package fileserver_test

import (
	"os"
	"path/filepath"
	"testing"

	"shareit/fileserver"
)

// TestUnicodeForms: a name typed composed (NFC, as phones and browsers
// send it) finds a file stored decomposed (NFD, as HFS+ and files copied
// from it hold it), and the other way round.
func TestUnicodeForms(t *testing.T) {
	const (
		nfc = "caf\u00e9.txt"
		nfd = "cafe\u0301.txt"
	)
	for _, tc := range []struct{ stored, asked string }{{nfd, nfc}, {nfc, nfd}} {
		root := t.TempDir()
		must(t, os.WriteFile(filepath.Join(root, tc.stored), []byte("coffee"), 0o644))
		_, _, base := startServer(t, fileserver.Config{Root: root})
		resp, body := httpDo(t, "GET", base+"/"+tc.asked, nil)
		if resp.StatusCode != 200 || string(body) != "coffee" {
			t.Errorf("stored %+q, asked %+q: got %d %q, want 200 %q", tc.stored, tc.asked, resp.StatusCode, body, "coffee")
		}
	}
}
