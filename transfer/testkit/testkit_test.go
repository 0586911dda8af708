package testkit

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// eventually runs Eventually on a fatalRecorder and returns what it failed
// with, "" when it returned.
func eventually(timeout time.Duration, cond func() bool) string {
	f := &fatalRecorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Eventually(f, timeout, "the thing", cond)
	}()
	<-done
	return f.msg
}

func TestEventually(t *testing.T) {
	calls := 0
	if msg := eventually(time.Minute, func() bool { calls++; return calls == 3 }); msg != "" {
		t.Errorf("a condition that comes true: failed with %q", msg)
	}
	if calls != 3 {
		t.Errorf("the condition was checked %d times, want 3", calls)
	}
	start := time.Now()
	msg := eventually(50*time.Millisecond, func() bool { return false })
	if want := "gave up after 50ms waiting for the thing"; msg != want {
		t.Errorf("a condition that never holds: got %q, want %q", msg, want)
	}
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", took)
	}
}

// TestMakeCert: the certificate is for the name given, valid for localhost
// and 127.0.0.1, and OpensslFingerprint is the SHA-256 of its DER bytes.
func TestMakeCert(t *testing.T) {
	certFile, keyFile := MakeCert(t, t.TempDir(), "kit")
	if _, err := os.Stat(keyFile); err != nil {
		t.Fatalf("key: %v", err)
	}
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s holds no PEM block", certFile)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "kit" {
		t.Errorf("CN: got %q, want %q", cert.Subject.CommonName, "kit")
	}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Errorf("VerifyHostname(%s): %v", host, err)
		}
	}
	sum := sha256.Sum256(block.Bytes)
	hex := fmt.Sprintf("%X", sum)
	var pairs []string
	for i := 0; i < len(hex); i += 2 {
		pairs = append(pairs, hex[i:i+2])
	}
	if got, want := OpensslFingerprint(t, b), strings.Join(pairs, ":"); got != want {
		t.Errorf("OpensslFingerprint: got %s, want %s", got, want)
	}
}
