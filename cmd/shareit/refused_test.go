package main

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// refusedKinds are requests the HTTP layer refuses before any handler runs,
// each with the part of its log line that says what was wrong.
var refusedKinds = []struct {
	name, sent string
	line       *regexp.Regexp
}{
	{"control bytes in the target", "GET /a\x1b[31m\x07b HTTP/1.1\r\nHost: x\r\n\r\n",
		regexp.MustCompile(`"GET /a\\x1b\[31m\\x07b HTTP/1\.1" 400 - .* refused: .*invalid control character in URL`)},
	{"control bytes in a header", "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Evil: \x1b]0;pwned\x07\r\n\r\n",
		regexp.MustCompile(`"GET /a\.txt HTTP/1\.1" 400 - .* refused: malformed MIME header line`)},
	{"a 2 MB header", "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n",
		regexp.MustCompile(`"GET /a\.txt HTTP/1\.1" 431 - .* refused: Request Header Fields Too Large`)},
	{"a malformed request line", "NONSENSE\r\n\r\n",
		regexp.MustCompile(`"- NONSENSE -" 400 - .* refused: malformed HTTP request`)},
	{"closed mid-request", "GET /cut HTTP/1.1\r\nHost: x\r\nX-Half: ",
		regexp.MustCompile(`"GET /cut HTTP/1\.1" 400 - .* refused: `)},
	{"a TLS handshake on the plain port", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		regexp.MustCompile(`"- - -" 400 - .* refused: TLS handshake sent to the plain-HTTP port`)},
}

// sendRefused sends each of refusedKinds to port on a connection of its
// own, reads what comes back, and closes it.
func sendRefused(t *testing.T, port int) {
	t.Helper()
	for _, k := range refusedKinds {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), waitFor)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(waitFor))
		if len(k.sent) > 64<<10 {
			go io.WriteString(c, k.sent) // the answer may come before all of it fits
		} else {
			io.WriteString(c, k.sent)
		}
		if k.name == "closed mid-request" {
			c.(*net.TCPConn).CloseWrite() // the client gives up half way
		}
		io.ReadAll(c)
		c.Close()
	}
}

// TestRefusedRequestsEverywhere: each kind of refused request leaves one
// line, with the client, what was wrong and the status, both on standard
// output (the headless log) and in the --log file; nothing raw.
func TestRefusedRequestsEverywhere(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "access.log")
	p := start(t, "", "-b", "127.0.0.1", "-p", "0", "--log", logFile, shareDir(t))
	port := p.port()
	sendRefused(t, port)
	last := refusedKinds[len(refusedKinds)-1]
	p.waitLine(last.line)

	// Over HTTPS, a failed handshake is a refused request too.
	tp := start(t, "", "-b", "127.0.0.1", "-p", "0", "--tls", shareDir(t))
	if _, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tp.port()), &tls.Config{ServerName: "nowhere.invalid"}); err == nil {
		t.Error("a TLS client accepted the made certificate for nowhere.invalid")
	}
	tp.waitLine(regexp.MustCompile(`^127\.0\.0\.1 - - \[.*"- - -" - - .* refused: TLS handshake failed: `))
	tp.stop(syscall.SIGTERM)

	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	file, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for where, lines := range map[string][]string{"stdout": p.output(), "--log": strings.Split(string(file), "\n")} {
		for _, k := range refusedKinds {
			n := 0
			for _, l := range lines {
				if k.line.MatchString(l) {
					n++
					if !strings.HasPrefix(l, "127.0.0.1 - - [") {
						t.Errorf("%s: %s: %q does not start with the client", where, k.name, l)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: %s: %d lines match %s, want 1", where, k.name, n, k.line)
			}
		}
		for _, l := range lines {
			if strings.ContainsAny(l, "\x1b\x07\x16") {
				t.Errorf("%s: a raw control byte in %q", where, l)
			}
		}
	}
}
