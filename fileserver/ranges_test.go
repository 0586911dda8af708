package fileserver_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"shareit/fileserver"
)

// TestZeroLengthSuffixRange: "bytes=-0" asks for nothing, which RFC 9110
// §14.1.1 calls unsatisfiable; net/http alone answers it with an empty 206
// and the impossible Content-Range "bytes 100-99/100" (found by FuzzRange).
// shareit answers 416, drops it from a list of ranges, and still honours
// If-Range.
func TestZeroLengthSuffixRange(t *testing.T) {
	root := t.TempDir()
	body := string(patternBlock[:100<<10]) // large enough to be tracked
	must(t, os.WriteFile(filepath.Join(root, "f.bin"), []byte(body), 0o644))
	_, _, base := startServer(t, fileserver.Config{Root: root})
	tests := []struct {
		rng, ifRange string
		status       int
		contentRange string
		body         string
	}{
		{"bytes=-0", "", 416, "bytes */102400", ""},
		{"bytes=-00", "", 416, "bytes */102400", ""},
		{"bytes= -0 , -0", "", 416, "bytes */102400", ""},
		{"bytes=0-9,-0", "", 206, "bytes 0-9/102400", body[:10]},
		{"bytes=-0,-10", "", 206, "bytes 102390-102399/102400", body[102390:]},
		{"bytes=-0", `"not-the-etag"`, 200, "", body},
		{"bytes=-10", "", 206, "bytes 102390-102399/102400", body[102390:]},
	}
	for _, tc := range tests {
		t.Run(tc.rng+" "+tc.ifRange, func(t *testing.T) {
			h := http.Header{"Range": {tc.rng}}
			if tc.ifRange != "" {
				h.Set("If-Range", tc.ifRange)
			}
			resp, got := httpDo(t, "GET", base+"/f.bin", h)
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Range") != tc.contentRange {
				t.Errorf("got %d with Content-Range %q, want %d with %q", resp.StatusCode, resp.Header.Get("Content-Range"), tc.status, tc.contentRange)
			}
			if tc.status != 416 && string(got) != tc.body {
				t.Errorf("got a %d-byte body, want %d bytes", len(got), len(tc.body))
			}
		})
	}
}
