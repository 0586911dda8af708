// Package testkit holds the helpers that the tests of every shareit package
// share: waiting on a condition with a deadline, and certificates made and
// read by openssl as a user would.
//
// It imports only the standard library, so that the tests of transfer,
// fileserver, tui and cmd/shareit can all use it without a cycle.
package testkit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pollEvery is how often Eventually checks its condition: a polling
// interval, not a synchronisation.
const pollEvery = 10 * time.Millisecond

// Eventually polls cond until it holds, and fails the test, naming what it
// waited for, when it does not hold within timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", timeout, what)
		}
		time.Sleep(pollEvery)
	}
}

// Openssl returns the path of the openssl command, and fails the test when
// it is not installed.
func Openssl(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is needed for this test and is not installed (`make test` installs it)")
	}
	return p
}

// MakeCert has openssl write a self-signed certificate for name, valid for
// localhost and 127.0.0.1, and its key into dir, as a user would, and
// returns their paths: dir/name.crt and dir/name.key.
func MakeCert(t testing.TB, dir, name string) (cert, key string) {
	t.Helper()
	cert, key = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	out, err := exec.Command(Openssl(t), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
		"-nodes", "-keyout", key, "-out", cert, "-subj", "/CN="+name, "-days", "2",
		"-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	return cert, key
}

// OpensslFingerprint is what `openssl x509 -noout -fingerprint -sha256`
// says of the first PEM certificate in pem: colon-separated upper-case hex.
func OpensslFingerprint(t testing.TB, pem []byte) string {
	t.Helper()
	cmd := exec.Command(Openssl(t), "x509", "-noout", "-fingerprint", "-sha256")
	cmd.Stdin = bytes.NewReader(pem)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl x509: %v", err)
	}
	_, fp, ok := strings.Cut(strings.TrimSpace(string(out)), "Fingerprint=")
	if !ok {
		t.Fatalf("openssl x509 printed %q, want \"sha256 Fingerprint=…\"", out)
	}
	return fp
}

// Must fails the test at once when err is not nil.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// AppendFile appends s to the file at path, which must exist.
func AppendFile(t testing.TB, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	Must(t, err)
	_, err = f.WriteString(s)
	Must(t, err)
	Must(t, f.Close())
}
