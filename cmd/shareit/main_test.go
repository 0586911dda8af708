package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shareit/transfer/testkit"
)

// The end-to-end tests run the real binary, built once by TestMain, against
// 127.0.0.1 only. The binary is built without -race: a race-built one takes
// over a second to start, and these tests start it dozens of times.

// testVersion is stamped into the test binary, as the Makefile stamps the
// release version.
const testVersion = "v0.0.0-test"

// bin is the built shareit, in a folder every user may read, so that it can
// also run as an unprivileged user.
var bin string

// waitFor bounds every wait for something that should happen promptly; it
// is generous because the machine may be small and busy.
const waitFor = 20 * time.Second

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "shareit-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || len(bytes.TrimSpace(gomod)) == 0 {
		fmt.Fprintln(os.Stderr, "go env GOMOD:", err)
		return 1
	}
	bin = filepath.Join(dir, "shareit")
	if runtime.GOOS == "windows" {
		bin += ".exe" // what CreateProcess looks for
	}
	args := []string{"build", "-ldflags", "-X main.version=" + testVersion, "-o", bin, "./cmd/shareit"}
	build := exec.Command("go", args...)
	build.Dir = filepath.Dir(string(bytes.TrimSpace(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go %s: %v\n%s", strings.Join(args, " "), err, out)
		return 1
	}
	return m.Run()
}

// lockedBuffer collects a child's stderr while the test may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running shareit whose stdout is a pipe, so it is headless.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr lockedBuffer
	done   chan struct{} // closed when it has exited and stdout is read

	mu    sync.Mutex
	lines []string // stdout, line by line
}

// start runs shareit with args in dir ("" for a fresh empty folder), and
// kills it at the end of the test if it is still running.
func start(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	return startCmd(t, dir, exec.Command(bin, args...))
}

// startCmd is start for a command that runs shareit in some other way,
// such as `ip netns exec NS shareit ...`.
func startCmd(t *testing.T, dir string, cmd *exec.Cmd) *proc {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p := &proc{t: t, cmd: cmd, done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stderr = &p.stderr
	prepareInterrupt(p.cmd)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		p.cmd.Wait() // only once stdout is read, as os/exec asks
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "),
				strings.Join(p.output(), "\n"), p.stderr.String())
		}
	})
	return p
}

func (p *proc) output() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitLine waits for a stdout line that matches re and returns it.
func (p *proc) waitLine(re *regexp.Regexp) string {
	p.t.Helper()
	var found string
	testkit.Eventually(p.t, waitFor, "a line matching "+re.String(), func() bool {
		for _, l := range p.output() {
			if re.MatchString(l) {
				found = l
				return true
			}
		}
		if p.exited() {
			p.t.Fatalf("shareit exited (%v) before printing a line matching %s", p.cmd.ProcessState, re)
		}
		return false
	})
	return found
}

// bannerURL is one URL line of the banner.
type bannerURL struct{ url, label string }

// A URL line: the URL, its label, and what else the banner says of it
// ("(virtual: ...)").
var urlLineRE = regexp.MustCompile(`^\s+(https?://\S+)\s*(\S*)`)

const bannerEnd = "Press Ctrl+C to stop."

// banner waits for the banner and returns the lines before it ends and its
// URL lines.
func (p *proc) banner() (head []string, urls []bannerURL) {
	p.t.Helper()
	p.waitLine(regexp.MustCompile("^" + regexp.QuoteMeta(bannerEnd) + "$"))
	for _, l := range p.output() {
		if l == bannerEnd {
			break
		}
		head = append(head, l)
		if m := urlLineRE.FindStringSubmatch(l); m != nil {
			urls = append(urls, bannerURL{m[1], m[2]})
		}
	}
	return head, urls
}

// port is the port of the banner's localhost URL.
func (p *proc) port() int {
	p.t.Helper()
	_, urls := p.banner()
	for _, u := range urls {
		if u.label == "localhost" {
			return urlPort(p.t, u.url)
		}
	}
	p.t.Fatalf("no localhost URL in the banner: %+v", urls)
	return 0
}

func urlPort(t *testing.T, u string) int {
	t.Helper()
	hostPort, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://"), "/")
	_, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		t.Fatalf("URL %q: %v", u, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("URL %q: %v", u, err)
	}
	return n
}

// stop sends sig and waits for shareit to exit; it returns the exit code.
func (p *proc) stop(sig os.Signal) int {
	p.t.Helper()
	if err := interrupt(p.cmd, sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
	return p.wait()
}

func (p *proc) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(waitFor):
		p.t.Fatalf("shareit did not exit within %v", waitFor)
		return -1
	}
}

// result is how a short run of shareit ended.
type result struct {
	stdout, stderr string
	code           int
}

// runOnce runs shareit in dir to its end.
func runOnce(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runWith(t, dir, func(*exec.Cmd) {}, args...)
}

// runWith runs shareit in dir to its end, after setup has adjusted the
// command, and fails the test if it does not end within waitFor.
func runWith(t *testing.T, dir string, setup func(*exec.Cmd), args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	setup(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("shareit %s: still running after %v (stdout %q, stderr %q)", strings.Join(args, " "), waitFor,
			stdout.String(), stderr.String())
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("shareit %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// shareDir makes a folder to serve with a.txt in it.
func shareDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello, a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// needTools fails the test when a tool it drives is missing: the tests
// that use them are not optional, and `make test` installs them.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for this test and was not found (%v): `make test` installs it", tool, err)
		}
	}
}

// fileSize is the size of path, 0 before it exists.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// bigSize is the size of bigDir's big.bin.
const bigSize = 256 << 20

// bigDir is a folder with big.bin, 256 MiB (sparse: quick to make).
func bigDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sparseFile(t, filepath.Join(dir, "big.bin"), bigSize)
	return dir
}

// sparseFile makes a file at path of size bytes, all zero, without
// writing them: sparse where the file system allows, so quick to make.
func sparseFile(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// The collector runs at gcPercent unless the user set GOGC.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "300")
	debug.SetGCPercent(300)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 300 {
		t.Errorf("with GOGC=300 set, the collector ran at %d", got)
	}
	os.Unsetenv("GOGC")
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("with no GOGC, the collector ran at %d, want %d", got, gcPercent)
	}
}
