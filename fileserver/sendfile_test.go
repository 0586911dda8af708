package fileserver_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"shareit/fileserver"
	"shareit/transfer"
)

// sendfileHelperEnv makes the test binary act as a server under strace
// (the way Go's own TestLinuxSendfile does it): it serves the folder named
// by the variable and reports the tracker's events for big.bin on stdout.
const sendfileHelperEnv = "SHAREIT_SENDFILE_HELPER_ROOT"

// TestSendfileHelper is not a test: it is the server half of
// TestSendfileSurvivesTracking, run in a child process under strace.
func TestSendfileHelper(t *testing.T) {
	root := os.Getenv(sendfileHelperEnv)
	if root == "" {
		return // run directly: nothing to do
	}
	tracker := transfer.New()
	defer tracker.Close()
	sub := tracker.Subscribe()
	srv, err := fileserver.New(fileserver.Config{Root: root, Bind: "127.0.0.1", Rate: helperRate()}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Run(ctx)
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "addr %s\n", srv.Addr())
	out.Flush()
	go func() { io.Copy(io.Discard, os.Stdin); cancel(); tracker.Close() }()
	for ev := range sub.C {
		switch ev.Kind {
		case transfer.EventProgress:
			for _, s := range ev.Progress.Transfers {
				fmt.Fprintf(out, "progress %d\n", s.Bytes)
			}
		case transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled:
			fmt.Fprintf(out, "%s %d\n", ev.Transfer.State, ev.Transfer.Bytes)
		}
		out.Flush()
	}
}

// TestSendfileSurvivesTracking downloads a 64 MiB file through the tracked
// write path while strace counts the server's sendfile calls.
func TestSendfileSurvivesTracking(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("strace, which counts the sendfile calls, is Linux's")
	}
	const size = 64 << 20
	root := t.TempDir()
	writeRandom(t, filepath.Join(root, "big.bin"), size)
	srv := startTraced(t, root)
	addr, lines := srv.addr, srv.lines

	resp, err := http.Get("http://" + addr + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	received, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || received != size {
		t.Fatalf("client received %d bytes (err %v), want %d", received, err, size)
	}

	var progress []int64
	finished := int64(-1)
	for finished < 0 && lines.Scan() {
		kind, n, _ := strings.Cut(lines.Text(), " ")
		v, _ := strconv.ParseInt(n, 10, 64)
		switch kind {
		case "progress":
			progress = append(progress, v)
		case "finished":
			finished = v
		default:
			t.Fatalf("transfer ended %s after %d bytes", kind, v)
		}
	}
	if finished != received {
		t.Errorf("finished event says %d bytes, the client received %d", finished, received)
	}
	for i := 1; i < len(progress); i++ {
		if progress[i] < progress[i-1] {
			t.Fatalf("progress went back from %d to %d", progress[i-1], progress[i])
		}
	}
	if len(progress) > 0 && progress[len(progress)-1] > size {
		t.Errorf("progress reached %d, beyond the size %d", progress[len(progress)-1], size)
	}
	calls := srv.stop(t)
	bytes := sum(calls)
	t.Logf("%d sendfile calls moved %d of %d bytes", len(calls), bytes, size)
	if len(calls) == 0 {
		t.Fatal("no sendfile call: the tracked writer lost sendfile")
	}
	// net/http copies the first 512 bytes itself (to sniff); the rest must
	// have gone through sendfile.
	if bytes < size-512 {
		t.Errorf("sendfile moved %d bytes, want at least %d", bytes, size-512)
	}
}

// sendfileLine matches a finished sendfile call: whole, or resumed when
// strace (-f) had to split it around another thread's call:
//
//	sendfile(5, 7, NULL, 4194304) = 4194304
//	<... sendfile resumed>)       = 4194304
var sendfileLine = regexp.MustCompile(`(?:sendfile(?:64)?\(.*\)|<\.\.\. sendfile(?:64)? resumed>.*\))\s+=\s+(\d+)`)

// tracedServer is TestSendfileHelper's server running under strace, which
// records its sendfile calls (and write calls, when asked).
type tracedServer struct {
	addr  string         // host:port it serves on
	lines *bufio.Scanner // its event lines, after the address
	trace string         // strace's output
	cmd   *exec.Cmd
	stdin io.WriteCloser // closing it stops the server
}

// startTraced starts the helper serving root under strace, with env added
// to its environment, and waits for its address.
func startTraced(t *testing.T, root string, env ...string) *tracedServer {
	return startTracing(t, "sendfile", root, env...)
}

// startTracing is startTraced recording the syscalls in calls, strace's
// -e trace= list.
func startTracing(t *testing.T, calls, root string, env ...string) *tracedServer {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Fatal("strace is needed for this test (make test installs it)")
	}
	s := &tracedServer{trace: filepath.Join(t.TempDir(), "strace.out")}
	s.cmd = exec.Command(strace, "-f", "-qq", "-e", "trace="+calls, "-o", s.trace,
		os.Args[0], "-test.run=^TestSendfileHelper$", "-test.count=1")
	s.cmd.Env = append(append(os.Environ(), sendfileHelperEnv+"="+root), env...)
	s.cmd.Stderr = os.Stderr
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stdin.Close(); s.cmd.Wait() })
	s.lines = bufio.NewScanner(stdout)
	if !s.lines.Scan() || !strings.HasPrefix(s.lines.Text(), "addr ") {
		t.Fatalf("helper did not report its address: %q", s.lines.Text())
	}
	s.addr = strings.TrimPrefix(s.lines.Text(), "addr ")
	return s
}

// stop ends the server and returns what each sendfile call moved.
func (s *tracedServer) stop(t *testing.T) []int64 {
	t.Helper()
	var calls []int64
	for _, m := range sendfileLine.FindAllStringSubmatch(s.stopTrace(t), -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		calls = append(calls, n)
	}
	return calls
}

// stopTrace ends the server and returns strace's record.
func (s *tracedServer) stopTrace(t *testing.T) string {
	t.Helper()
	s.stdin.Close()
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	data, err := os.ReadFile(s.trace)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sum(ns []int64) (total int64) {
	for _, n := range ns {
		total += n
	}
	return total
}

// writeRandom creates a file of n random bytes.
func writeRandom(t testing.TB, path string, n int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, n); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
