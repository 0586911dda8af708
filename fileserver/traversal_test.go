package fileserver_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"shareit/fileserver"
)

// Contents that must never leave the server unless a test's config allows.
const (
	secretText  = "TOP-SECRET-7f3a9c"     // base/secret, next to the root
	outsideText = "OUTSIDE-SECRET-41d2"   // base/outside/inner.txt
	dotenvText  = "DOTENV-SECRET-0b1e"    // root/.env
	gitText     = "GITCONFIG-SECRET-9e8d" // root/.git/config
	hiddenText  = "HIDDEN-SECRET-5c6a"    // root/sub/.hidden
)

// confinedTree builds base/{secret,secret.txt,outside/} and base/root, the
// folder to serve, with dotfiles and symlinks that lead in and out. It
// returns the root.
func confinedTree(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeTree(t, base, map[string]string{
		"secret":            secretText,
		"secret.txt":        secretText,
		"outside/inner.txt": outsideText,
		"root/public.txt":   "public\n",
		"root/.env":         dotenvText,
		"root/.git/config":  gitText,
		"root/sub/file.txt": "sub file\n",
		"root/sub/.hidden":  hiddenText,
	})
	links := map[string]string{
		"root/link-out":     filepath.Join(base, "secret"), // absolute, out
		"root/link-out-rel": "../secret",                   // relative, out
		"root/link-outdir":  filepath.Join(base, "outside"),
		"root/link-in":      "sub/file.txt",
		"root/sub/link-up":  "../public.txt", // climbs, but stays inside
		"root/link-indir":   "sub",
		"root/link-broken":  "nowhere",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(base, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestConfinement: dotfiles only with Hidden, symlinks out of the root only
// with FollowSymlinks, symlinks inside always.
func TestConfinement(t *testing.T) {
	type want struct {
		status int
		body   string // wanted body when status is 200 and this is not ""
	}
	type check struct {
		path string
		// wanted answers with neither option, with Hidden, with FollowSymlinks
		plain, hidden, follow want
	}
	ok := func(body string) want { return want{200, body} }
	checks := []check{
		{"/public.txt", ok("public\n"), ok("public\n"), ok("public\n")},
		{"/.env", want{404, ""}, ok(dotenvText), want{404, ""}},
		{"/.git/config", want{404, ""}, ok(gitText), want{404, ""}},
		{"/.git/", want{404, ""}, ok(""), want{404, ""}},
		{"/.git", want{404, ""}, want{301, ""}, want{404, ""}},
		{"/sub/.hidden", want{404, ""}, ok(hiddenText), want{404, ""}},
		{"/link-out", want{403, ""}, want{403, ""}, ok(secretText)},
		{"/link-out-rel", want{403, ""}, want{403, ""}, ok(secretText)},
		{"/link-outdir/", want{403, ""}, want{403, ""}, ok("")},
		{"/link-outdir/inner.txt", want{403, ""}, want{403, ""}, ok(outsideText)},
		{"/link-in", ok("sub file\n"), ok("sub file\n"), ok("sub file\n")},
		{"/sub/link-up", ok("public\n"), ok("public\n"), ok("public\n")},
		{"/link-indir/file.txt", ok("sub file\n"), ok("sub file\n"), ok("sub file\n")},
		{"/link-broken", want{404, ""}, want{404, ""}, want{404, ""}},
	}
	configs := []struct {
		name           string
		hidden, follow bool
		pick           func(check) want
		listed         map[string][]string // folder → names its listing must show exactly
	}{
		{"plain", false, false, func(c check) want { return c.plain },
			map[string][]string{
				"/":     {"link-indir", "sub", "link-in", "public.txt"},
				"/sub/": {"file.txt", "link-up"},
			}},
		{"hidden", true, false, func(c check) want { return c.hidden },
			map[string][]string{
				"/":      {".git", "link-indir", "sub", ".env", "link-in", "public.txt"},
				"/sub/":  {".hidden", "file.txt", "link-up"},
				"/.git/": {"config"},
			}},
		{"follow", false, true, func(c check) want { return c.follow },
			map[string][]string{
				"/":             {"link-indir", "link-outdir", "sub", "link-in", "link-out", "link-out-rel", "public.txt"},
				"/link-outdir/": {"inner.txt"},
			}},
	}
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			root := confinedTree(t)
			_, _, base := startServer(t, fileserver.Config{Root: root, Hidden: cfg.hidden, FollowSymlinks: cfg.follow})
			for _, c := range checks {
				w := cfg.pick(c)
				resp, body := httpDo(t, "GET", base+c.path, nil)
				if resp.StatusCode != w.status {
					t.Errorf("GET %s: got status %d, want %d", c.path, resp.StatusCode, w.status)
					continue
				}
				if w.status == 200 && w.body != "" && string(body) != w.body {
					t.Errorf("GET %s: got %q, want %q", c.path, body, w.body)
				}
				if w.status != 200 {
					for _, s := range []string{secretText, outsideText, dotenvText, gitText, hiddenText} {
						if strings.Contains(string(body), s) {
							t.Errorf("GET %s: %d answer holds %q", c.path, resp.StatusCode, s)
						}
					}
				}
			}
			for dir, want := range cfg.listed {
				_, body := httpDo(t, "GET", base+dir+"?json", nil)
				var entries []listItem
				if err := json.Unmarshal(body, &entries); err != nil {
					t.Fatalf("listing %s: %v\n%s", dir, err, body)
				}
				var got []string
				for _, e := range entries {
					got = append(got, e.Name)
				}
				if !slices.Equal(got, want) {
					t.Errorf("listing %s: got %q, want %q", dir, got, want)
				}
				// The HTML page lists the same names.
				_, page := httpDo(t, "GET", base+dir, nil)
				got = got[:0]
				for _, m := range linkRe.FindAllStringSubmatch(string(page), -1) {
					if m[1] != "../" {
						got = append(got, strings.TrimSuffix(m[2], "/"))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("page %s: got %q, want %q", dir, got, want)
				}
			}
		})
	}
}

// traversals are request targets that try to leave the root (or reach a
// dotfile) in every spelling clients and attackers use. They are sent over
// raw TCP, since a client library would normalise most of them.
var traversals = []string{
	"/../secret",
	"/../secret.txt",
	"/%2e%2e/secret",
	"/%2E%2E/secret",
	"/.%2e/secret",
	"/%2e./secret",
	"/..%2fsecret",
	"/..%2Fsecret",
	"/%2e%2e%2fsecret",
	"/sub/../../secret",
	"/sub/..%2f..%2fsecret",
	"/sub/%2e%2e/%2e%2e/secret",
	"/..\\secret",
	"/%5c..%5csecret",
	"/..%5csecret",
	"/..%5Csecret",
	"/sub\\..\\..\\secret",
	"/secret%00.txt",
	"/%00",
	"/..%00/secret",
	"/%c0%ae%c0%ae/secret",
	"/%c0%af..%c0%afsecret",
	"/%e0%80%ae%e0%80%ae/secret",
	"/%252e%252e/secret",
	"/%25%32%65%25%32%65/secret",
	"/%u002e%u002e/secret",
	"//../secret",
	"///../secret",
	"/./../secret",
	"/.../secret",
	"/..;/secret",
	"/link-indir/../../secret",
	"/link-outdir/../secret",
	"/../root/../secret",
	"../secret",
	"..%2fsecret",
	"secret",
	"http://127.0.0.1/../secret",
	"http://127.0.0.1/%2e%2e/secret",
	"http://127.0.0.1/..%2fsecret",
	"http://127.0.0.1:1/../secret",
	"http://127.0.0.1/../../../../../../../../../etc/passwd",
	"/../../../../../../../../../etc/passwd",
	"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
	// dotfiles, which do not exist for clients without Hidden
	"/%2eenv",
	"/%2Eenv",
	"/./.env",
	"//.env",
	"/.env/",
	"/sub/../.env",
	"/.git%2fconfig",
	"/%2egit/config",
	"/sub/%2ehidden",
	"/sub/.%68idden",
}

// TestTraversal sends every spelling of a way out, with every option on
// and off, and checks that no answer is a success or holds a secret.
func TestTraversal(t *testing.T) {
	for _, opts := range []struct{ hidden, follow bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		t.Run(fmt.Sprintf("hidden=%v,follow=%v", opts.hidden, opts.follow), func(t *testing.T) {
			t.Parallel()
			root := confinedTree(t)
			srv, _, _ := startServer(t, fileserver.Config{Root: root, Hidden: opts.hidden, FollowSymlinks: opts.follow})
			passwd, _ := os.ReadFile("/etc/passwd")
			for _, target := range traversals {
				dotfile := strings.Contains(strings.ToLower(target), "env") || strings.Contains(target, "git") || strings.Contains(target, "idden")
				if dotfile && opts.hidden {
					continue // dotfiles are served then; climbing out is covered above
				}
				req := "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
				resp, body := rawResponse(t, srv.Addr(), req)
				t.Logf("%-55q → %d", target, resp.StatusCode)
				if s := resp.StatusCode; s != 400 && s != 403 && s != 404 {
					t.Errorf("GET %s: got status %d, want 400, 403 or 404", target, s)
				}
				for _, s := range []string{secretText, outsideText, dotenvText, gitText, hiddenText} {
					if strings.Contains(string(body), s) {
						t.Errorf("GET %s: answer holds %q", target, s)
					}
				}
				if len(passwd) > 0 && strings.Contains(string(body), "root:") {
					t.Errorf("GET %s: answer looks like /etc/passwd", target)
				}
				if leaks := errorPageLeaks(string(body), root); len(leaks) > 0 {
					t.Errorf("GET %s: error page shows %q", target, leaks)
				}
			}
		})
	}
}

// TestTraversalCurl lets curl send the dot-segments as they are
// (--path-as-is): a second, independent client.
func TestTraversalCurl(t *testing.T) {
	curl := curlPath(t)
	root := confinedTree(t)
	_, _, base := startServer(t, fileserver.Config{Root: root})
	for _, p := range []string{"/../secret", "/sub/../../secret", "/%2e%2e/secret", "/..%2fsecret", "/.env"} {
		out, err := execOutput(curl, "-sS", "--path-as-is", "--max-time", "30", "-w", "\n%{http_code}", base+p)
		if err != nil {
			t.Errorf("curl %s: %v", p, err)
			continue
		}
		i := strings.LastIndex(out, "\n")
		body, code := out[:i], out[i+1:]
		if code != "400" && code != "403" && code != "404" {
			t.Errorf("curl %s: got status %s, want 400, 403 or 404", p, code)
		}
		if strings.Contains(body, secretText) || strings.Contains(body, dotenvText) {
			t.Errorf("curl %s: answer holds a secret", p)
		}
	}
}
