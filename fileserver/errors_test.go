package fileserver_test

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shareit/fileserver"
)

// TestErrorPages: every error is a small HTML page that says the status and
// nothing of what went wrong inside.
func TestErrorPages(t *testing.T) {
	root := confinedTree(t)
	srv, _, base := startServer(t, fileserver.Config{Root: root})

	tests := []struct {
		name   string
		method string
		target string // sent over raw TCP, as it is
		status int
	}{
		{"missing file", "GET", "/missing.txt", 404},
		{"missing folder", "GET", "/no/such/folder/", 404},
		{"below a file", "GET", "/public.txt/below", 404},
		{"dotfile", "GET", "/.env", 404},
		{"broken symlink", "GET", "/link-broken", 404},
		{"symlink out", "GET", "/link-out", 403},
		{"symlink to a folder out", "GET", "/link-outdir/", 403},
		{"dot-dot", "GET", "/..%2fsecret", 400},
		{"NUL", "GET", "/a%00b", 400},
		{"backslash", "GET", "/a%5cb", 400},
		{"POST", "POST", "/public.txt", 405},
		{"DELETE", "DELETE", "/", 405},
		{"HEAD missing", "HEAD", "/missing.txt", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.method + " " + tc.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
			resp, body := rawResponse(t, srv.Addr(), req)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: got status %d, want %d", tc.method, tc.target, resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type: got %q, want text/html; charset=utf-8", ct)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
			}
			for _, h := range []string{"ETag", "Last-Modified", "Accept-Ranges"} {
				if v := resp.Header.Get(h); v != "" {
					t.Errorf("error answer has %s: %q", h, v)
				}
			}
			if tc.method == "HEAD" {
				if len(body) != 0 {
					t.Errorf("HEAD: got a %d-byte body, want none", len(body))
				}
				return
			}
			page := string(body)
			heading := fmt.Sprintf("<h1>%d %s</h1>", tc.status, http.StatusText(tc.status))
			if !strings.HasPrefix(page, "<!doctype html>") || !strings.Contains(page, heading) {
				t.Errorf("got %q, want an HTML page with %q", page, heading)
			}
			if len(body) > 1024 {
				t.Errorf("error page is %d bytes, want a small one", len(body))
			}
			if leaks := errorPageLeaks(page, root); len(leaks) > 0 {
				t.Errorf("error page shows %q:\n%s", leaks, page)
			}
			if len(tc.target) > 1 && strings.Contains(page, tc.target) {
				t.Errorf("error page echoes the request target %q", tc.target)
			}
		})
	}
	// The same through Go's client, which percent-decodes nothing itself.
	resp, _ := httpDo(t, "GET", base+"/missing.txt", nil)
	if resp.StatusCode != 404 {
		t.Errorf("GET /missing.txt: got %d, want 404", resp.StatusCode)
	}
}

// TestMethodsNotAllowed: only GET and HEAD; every other method gets 405
// with Allow, and the folder stays exactly as it was.
func TestMethodsNotAllowed(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"public.txt": "public\n", "sub/file.txt": "file\n"})
	_, _, base := startServer(t, fileserver.Config{Root: root})
	before := treeState(t, root)

	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "MKCOL", "MOVE", "COPY", "TRACE", "LOCK"} {
		for _, path := range []string{"/public.txt", "/new.txt", "/sub/", "/sub/new/", "/"} {
			t.Run(method+" "+path, func(t *testing.T) {
				req, err := http.NewRequest(method, base+path, strings.NewReader("overwritten\n"))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Destination", base+"/moved.txt")
				resp, err := testClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusMethodNotAllowed {
					t.Errorf("got status %d, want 405", resp.StatusCode)
				}
				if got := resp.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow: got %q, want %q", got, "GET, HEAD")
				}
			})
		}
	}
	if after := treeState(t, root); !maps.Equal(before, after) {
		t.Errorf("the folder changed:\nbefore %v\nafter  %v", before, after)
	}
}

// treeState is every path under dir with its mode, size, time and content
// hash.
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		s := fmt.Sprintf("%v %d %v", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		state[p] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}
