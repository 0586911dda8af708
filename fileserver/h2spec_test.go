package fileserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/summerwind/h2spec/config"
	"github.com/summerwind/h2spec/generic"
	"github.com/summerwind/h2spec/hpack"
	"github.com/summerwind/h2spec/http2"
	"github.com/summerwind/h2spec/spec"

	"shareit/fileserver"
)

// h2spec (github.com/summerwind/h2spec) checks a server's HTTP/2 against
// RFC 7540 and RFC 7541 (issue 19, point 4). shareit must fail no test
// that Go's own HTTP/2 server, net/http over TLS, does not fail too: what
// shareit adds on top of net/http must not make it less conformant.
//
// h2spec runs in a child process, the test binary itself started again
// for TestH2specProbe: h2spec prints every test to os.Stdout with no
// switch to quiet it, keeps its indentation in package variables, and
// calls os.Exit when it cannot connect. The child's output is kept and
// shown only when the child itself fails.

// Environment of a TestH2specProbe child.
const (
	h2specAddrEnv = "SHAREIT_H2SPEC_ADDR" // host:port to test
	h2specPathEnv = "SHAREIT_H2SPEC_PATH" // the request path
	h2specOutEnv  = "SHAREIT_H2SPEC_OUT"  // where the results go, as JSON
	h2specIDsEnv  = "SHAREIT_H2SPEC_IDS"  // the tests to run, by ID; "" for all
)

// h2specTimeout is how long h2spec waits for each answer; a test that
// expects silence (no GOAWAY, no RST_STREAM) takes this long.
const h2specTimeout = 2 * time.Second

// h2specResult is what became of one h2spec test.
type h2specResult struct {
	ID     string // group ID and place in the group: "http2/6.5.3/2"
	Desc   string
	Status string // "passed", "failed" or "skipped"
	Error  string `json:",omitempty"` // why it failed
}

// h2specReruns is how many more times a test that failed against shareit
// alone is run against both. Go's HTTP/2 server answers a request whose
// handler does not read the body as soon as the handler returns, so a
// request body that breaks the rules (8.1.2.6: a content-length the DATA
// frames do not match) is caught or not depending on whether its DATA
// frames arrive before the answer: a race that net/http has too.
const h2specReruns = 4

// TestH2spec runs the whole h2spec suite (generic, http2, hpack; not the
// strict tests) against shareit --tls and against a plain net/http server
// over TLS serving the same small file, the two at once, and fails on any
// test that fails against shareit only, and keeps failing there when run
// again.
func TestH2spec(t *testing.T) {
	if testing.Short() {
		t.Skip("h2spec takes about half a minute")
	}
	t.Parallel()
	dir := t.TempDir()
	const name = "small.txt"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("a small file, served over HTTP/2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, base := startServer(t, fileserver.Config{Root: dir, TLS: true})
	shareit := strings.TrimPrefix(base, "http://")
	reference := referenceTLS(t, dir)
	path := "/" + name

	got, ref := h2specBoth(t, shareit, reference, path, nil)
	if len(got) == 0 || len(got) != len(ref) {
		t.Fatalf("h2spec ran %d tests against shareit and %d against the reference; want the same number, not 0", len(got), len(ref))
	}
	t.Logf("h2spec against shareit:   %s", h2specCounts(got))
	t.Logf("h2spec against reference: %s", h2specCounts(ref))

	refStatus := make(map[string]string, len(ref))
	for _, r := range ref {
		refStatus[r.ID] = r.Status
	}
	gotStatus := make(map[string]string, len(got))
	for _, r := range got {
		gotStatus[r.ID] = r.Status
	}
	var both []string
	only := map[string]h2specResult{} // failed against shareit alone
	for _, r := range got {
		switch {
		case r.Status != "failed":
		case refStatus[r.ID] == "failed":
			both = append(both, fmt.Sprintf("%s %q", r.ID, r.Desc))
		default:
			only[r.ID] = r
		}
	}
	for _, r := range ref {
		if r.Status == "failed" && gotStatus[r.ID] != "failed" {
			t.Logf("h2spec %s %q fails against net/http only: %s", r.ID, r.Desc, oneLine(r.Error))
		}
	}
	if len(both) > 0 {
		t.Logf("h2spec fails against both:\n%s", strings.Join(both, "\n"))
	}

	for try := 1; try <= h2specReruns && len(only) > 0; try++ {
		ids := slices.Sorted(maps.Keys(only))
		again, refAgain := h2specBoth(t, shareit, reference, path, ids)
		refFailed := map[string]bool{}
		for _, r := range refAgain {
			refFailed[r.ID] = r.Status == "failed"
		}
		for _, r := range again {
			if r.Status != "failed" || refFailed[r.ID] {
				t.Logf("h2spec %s %q: against shareit %s, against net/http %s on run %d: timing decides it for both",
					r.ID, r.Desc, r.Status, map[bool]string{true: "failed", false: "passed"}[refFailed[r.ID]], try+1)
				delete(only, r.ID)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(only)) {
		r := only[id]
		t.Errorf("h2spec %s %q fails against shareit, %d times in %d, and not against net/http (%s):\n%s",
			r.ID, r.Desc, h2specReruns+1, h2specReruns+1, refStatus[r.ID], r.Error)
	}
}

// h2specBoth runs h2spec against shareit and the reference at once, all
// of it or only the tests named in ids.
func h2specBoth(t *testing.T, shareit, reference, path string, ids []string) (got, ref []h2specResult) {
	t.Helper()
	var refErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		ref, refErr = h2specRun(t, reference, path, ids)
	}()
	got, err := h2specRun(t, shareit, path, ids)
	<-done
	if err != nil {
		t.Fatalf("h2spec against shareit: %v", err)
	}
	if refErr != nil {
		t.Fatalf("h2spec against the net/http reference: %v", refErr)
	}
	return got, ref
}

// referenceTLS serves GETs and HEADs of the files in dir as shareit does,
// through http.ServeContent, with net/http's own HTTP/2 over TLS; other
// methods get 405. It returns host:port.
func referenceTLS(t *testing.T, dir string) string {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		f, err := root.Open(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // h2spec's broken frames are meant
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// h2specRun runs h2spec against addr in a child process and returns the
// results, in h2spec's order: every test, or those named in ids.
func h2specRun(t *testing.T, addr, path string, ids []string) ([]h2specResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(t.TempDir(), "results.json")
	// A bound well above the 146 tests' own timeouts, should one hang.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestH2specProbe$", "-test.count=1")
	cmd.Env = append(os.Environ(), h2specAddrEnv+"="+addr, h2specPathEnv+"="+path, h2specOutEnv+"="+out,
		h2specIDsEnv+"="+strings.Join(ids, ","))
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v; its output:\n%s", err, tail(output.String(), 4<<10))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%v; its output:\n%s", err, tail(output.String(), 4<<10))
	}
	var results []h2specResult
	return results, json.Unmarshal(b, &results)
}

// tail is the end of s, at most n bytes of it.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// oneLine joins the lines of an h2spec error.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// h2specCounts sums results up as "N passed, N failed, N skipped".
func h2specCounts(results []h2specResult) string {
	n := map[string]int{}
	for _, r := range results {
		n[r.Status]++
	}
	return fmt.Sprintf("%d passed, %d failed, %d skipped (of %d)", n["passed"], n["failed"], n["skipped"], len(results))
}

// TestH2specProbe is the child TestH2spec starts: it runs h2spec against
// the address in its environment and writes what became of each test. It
// does nothing in an ordinary run.
func TestH2specProbe(t *testing.T) {
	addr := os.Getenv(h2specAddrEnv)
	if addr == "" {
		t.Skip("run by TestH2spec")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	c := &config.Config{
		Host:         host,
		Port:         p,
		Path:         os.Getenv(h2specPathEnv),
		Timeout:      h2specTimeout,
		MaxHeaderLen: 4000, // h2spec's own default
		TLS:          true,
		Insecure:     true, // shareit's certificate is self-signed
	}
	if ids := os.Getenv(h2specIDsEnv); ids != "" {
		c.Sections = strings.Split(ids, ",")
	}
	var results []h2specResult
	for _, g := range []*spec.TestGroup{generic.Spec(), http2.Spec(), hpack.Spec()} {
		results = h2specGroup(c, g, results)
	}
	b, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(h2specOutEnv), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// h2specGroup runs g's tests and then its subgroups', as TestGroup.Test
// does, and appends what became of each to results. Unlike TestGroup.Test
// it goes on when it cannot connect: that test failed.
func h2specGroup(c *config.Config, g *spec.TestGroup, results []h2specResult) []h2specResult {
	if g.Strict {
		return results
	}
	// Strict tests come after g.Tests in h2spec's numbering; they are not run.
	for i, tc := range g.Tests {
		seq := i + 1
		r := h2specResult{ID: g.ID() + "/" + strconv.Itoa(seq), Desc: tc.Desc}
		switch err := tc.Test(c, seq); {
		case err != nil:
			r.Status, r.Error = "failed", "connect: "+err.Error()
		case tc.Result == nil:
			continue // not run
		case tc.Result.Failed:
			r.Status, r.Error = "failed", tc.Result.Error.Error()
		case tc.Result.Skipped:
			r.Status = "skipped"
		default:
			r.Status = "passed"
		}
		results = append(results, r)
	}
	for _, sub := range g.Groups {
		results = h2specGroup(c, sub, results)
	}
	return results
}
