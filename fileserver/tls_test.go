package fileserver_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// startTLS runs a server with cfg over TLS (a made certificate unless cfg
// names one) and returns it, its tracker and its https base URL.
func startTLS(t *testing.T, cfg fileserver.Config) (*fileserver.Server, *transfer.Tracker, string) {
	t.Helper()
	if cfg.CertFile == "" {
		cfg.TLS = true
	}
	srv, tracker, base := startServer(t, cfg)
	return srv, tracker, "https://" + strings.TrimPrefix(base, "http://")
}

// servedCert connects to addr without verifying and returns the leaf
// certificate the server presents.
func servedCert(t *testing.T, addr string) *x509.Certificate {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("TLS handshake with %s: %v", addr, err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0]
}

// pinnedClient trusts exactly the certificate whose SHA-256 fingerprint is
// fp, as a person who compared the fingerprint would. h1 keeps it to
// HTTP/1.1.
func pinnedClient(fp string, h1 bool) *http.Client {
	cfg := &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || fileserver.Fingerprint(raw[0]) != fp {
				return errors.New("certificate fingerprint does not match")
			}
			return nil
		},
	}
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: !h1, DisableKeepAlives: true}
	if h1 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Timeout: 60 * time.Second, Transport: tr}
}

// poolClient verifies the server's certificate the usual way, with cert as
// the only root: name and address checks included.
func poolClient(cert *x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true, DisableKeepAlives: true,
	}}
}

// opensslServed asks the server at addr for its certificate with
// `openssl s_client`, offering ALPN protos, and returns s_client's output.
func opensslServed(t *testing.T, addr, alpn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testkit.Openssl(t), "s_client", "-connect", addr, "-servername", "localhost", "-alpn", alpn)
	cmd.Stdin = strings.NewReader("") // close at once after the handshake
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl s_client: %v\n%s", err, out)
	}
	return string(out)
}

var fingerprintRE = regexp.MustCompile(`^[0-9A-F]{2}(:[0-9A-F]{2}){31}$`)

// TestTLSCertificate: the made certificate is ECDSA P-256, valid now for
// this machine's addresses and names, and its fingerprint is the one
// openssl computes of what the server presents.
func TestTLSCertificate(t *testing.T) {
	srv, _, base := startTLS(t, fileserver.Config{})
	fp := srv.Fingerprint()
	if !fingerprintRE.MatchString(fp) {
		t.Fatalf("Fingerprint: got %q, want 32 upper-case hex bytes joined by colons", fp)
	}
	out := opensslServed(t, srv.Addr(), "h2,http/1.1")
	if got := testkit.OpensslFingerprint(t, []byte(out)); got != fp {
		t.Errorf("openssl's fingerprint of the served certificate: got %s, want %s", got, fp)
	}
	if !strings.Contains(out, "ALPN protocol: h2") {
		t.Errorf("openssl s_client -alpn h2,http/1.1: no \"ALPN protocol: h2\" in\n%s", out)
	}

	cert := servedCert(t, srv.Addr())
	if got := fileserver.Fingerprint(cert.Raw); got != fp {
		t.Errorf("fingerprint of the served certificate: got %s, want %s", got, fp)
	}
	if k, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("public key: got %T, want ECDSA P-256", cert.PublicKey)
	}
	if now := time.Now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) || cert.NotAfter.Sub(cert.NotBefore) > 398*24*time.Hour {
		t.Errorf("validity %v to %v: want now within it, and at most 398 days", cert.NotBefore, cert.NotAfter)
	}
	if cert.IsCA {
		t.Error("the certificate is a CA: browsers refuse a CA certificate as a server's")
	}
	// Every name and address people may use to reach the share.
	host, _ := os.Hostname()
	label := strings.ToLower(strings.Split(host, ".")[0])
	wantNames := []string{"localhost"}
	if regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`).MatchString(label) {
		wantNames = append(wantNames, label+".local", label)
	}
	for _, n := range wantNames {
		if err := cert.VerifyHostname(n); err != nil {
			t.Errorf("not valid for %s: %v", n, err)
		}
	}
	wantIPs := []string{"127.0.0.1", "::1"}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				wantIPs = append(wantIPs, netip.MustParseAddr(ipn.IP.String()).WithZone("").String())
			}
		}
	}
	for _, ip := range wantIPs {
		if err := cert.VerifyHostname(ip); err != nil {
			t.Errorf("not valid for %s: %v", ip, err)
		}
	}
	// A client that verifies it the usual way, with it as the only root,
	// by address and by name.
	client := poolClient(cert)
	for _, u := range []string{base + "/", strings.Replace(base, "127.0.0.1", "localhost", 1) + "/"} {
		resp, err := client.Get(u)
		if err != nil {
			t.Errorf("GET %s trusting the certificate: %v", u, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: got %d, want 200", u, resp.StatusCode)
		}
	}
	// The URLs, and so the QR code, are https.
	for _, u := range srv.URLs() {
		if !strings.HasPrefix(u.URL, "https://") {
			t.Errorf("URL %s (%s): want https", u.URL, u.Label)
		}
	}
}

// TestTLSClients: Go's client and curl, over HTTP/2 and HTTP/1.1, get the
// same bytes as over plain HTTP, and the tracker follows the download.
func TestTLSClients(t *testing.T) {
	curl := curlPath(t)
	const size = 8 << 20
	root := t.TempDir()
	writePattern(t, filepath.Join(root, "big.bin"), size)
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, tracker, base := startTLS(t, fileserver.Config{Root: root})
	fp := srv.Fingerprint()
	tests := []struct {
		name  string
		proto string // in the log line
		get   func(url string) (proto string, body io.ReadCloser, err error)
	}{
		{"go h2", "HTTP/2.0", goGet(pinnedClient(fp, false))},
		{"go http/1.1", "HTTP/1.1", goGet(pinnedClient(fp, true))},
		{"curl --http2", "HTTP/2.0", curlGet(curl, "--http2")},
		{"curl --http1.1", "HTTP/1.1", curlGet(curl, "--http1.1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := tracker.Subscribe()
			defer sub.Close()
			proto, body, err := tt.get(base + "/big.bin")
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := checkPattern(body, size)
			body.Close()
			if err != nil || !ok {
				t.Fatalf("body: got %d bytes (err %v), want the %d bytes of big.bin", got, err, size)
			}
			if proto != tt.proto {
				t.Errorf("protocol: got %s, want %s", proto, tt.proto)
			}
			// curl over HTTP/2 ends as soon as it has Content-Length bytes,
			// before the stream's END_STREAM, and closes the connection: the
			// handler's last write (32 KiB) may then be told the stream is
			// gone although its bytes went out. That one write is the only
			// shortfall allowed, and only there.
			want := int64(size)
			if tt.name == "curl --http2" {
				want = size - 32<<10
			}
			ev := waitEvent(t, sub, 30*time.Second, ended)
			whole := ev.Kind == transfer.EventFinished && ev.Transfer.Bytes == size
			if !whole && (ev.Transfer.Bytes < want || want == size) {
				t.Errorf("transfer: got %s after %d bytes, want finished after %d", ev.Transfer.State, ev.Transfer.Bytes, size)
			}
			logEv := waitEvent(t, sub, 30*time.Second, func(ev transfer.Event) bool { return ev.Kind == transfer.EventLog })
			if logEv.Log.Proto != tt.proto || logEv.Log.Status != 200 || logEv.Log.Bytes < want {
				t.Errorf("log line: got %s %d %d, want %s 200 %d", logEv.Log.Proto, logEv.Log.Status, logEv.Log.Bytes, tt.proto, size)
			}
		})
	}
}

func goGet(c *http.Client) func(string) (string, io.ReadCloser, error) {
	return func(url string) (string, io.ReadCloser, error) {
		resp, err := c.Get(url)
		if err != nil {
			return "", nil, err
		}
		if resp.StatusCode != 200 {
			resp.Body.Close()
			return "", nil, errors.New(resp.Status)
		}
		return resp.Proto, resp.Body, nil
	}
}

// curlGet runs curl -k with flag and returns the protocol its -v output
// names and the body.
func curlGet(curl, flag string) func(string) (string, io.ReadCloser, error) {
	return func(url string) (string, io.ReadCloser, error) {
		var stderr bytes.Buffer
		cmd := exec.Command(curl, "-k", "-sS", "-v", flag, "-o", "-", url)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", nil, errors.New(err.Error() + ": " + stderr.String())
		}
		proto := ""
		switch v := stderr.String(); {
		case strings.Contains(v, "< HTTP/2 200"):
			proto = "HTTP/2.0"
		case strings.Contains(v, "< HTTP/1.1 200"):
			proto = "HTTP/1.1"
		}
		return proto, io.NopCloser(bytes.NewReader(out)), nil
	}
}

// TestTLSFraming: over HTTP/1.1 in TLS, where the framing check cannot see
// the request, a request with Transfer-Encoding gets "Connection: close"
// and whatever followed it on the connection is never answered — so a
// request smuggled behind Content-Length + Transfer-Encoding goes nowhere.
// Requests without a body keep the connection.
func TestTLSFraming(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello", "secret.txt": "x"})
	srv, _, _ := startTLS(t, fileserver.Config{Root: root})
	smuggled := "GET /secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"
	tests := []struct {
		name      string
		req       string
		wantClose bool
	}{
		{"CL+TE", "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(5+len(smuggled)) +
			"\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, true},
		{"TE+CL", "POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n" + smuggled, true},
		{"TE alone", "POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, true},
		{"GET", "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", srv.Addr(),
				&tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tt.req); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("first response: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			if got := resp.Close; got != tt.wantClose {
				t.Errorf("first response (%d): Connection: close %t, want %t", resp.StatusCode, got, tt.wantClose)
			}
			second, err := http.ReadResponse(br, nil)
			switch {
			case tt.wantClose && err == nil:
				t.Errorf("the bytes after the body were answered: %s", second.Status)
			case tt.wantClose && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
				t.Errorf("after the first response: got %v, want the connection closed", err)
			case !tt.wantClose && err != nil:
				t.Errorf("second request on a kept connection: %v", err)
			}
		})
	}
}

// TestTLSPlainRequest: plain HTTP to the HTTPS port serves nothing.
func TestTLSPlainRequest(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, _, _ := startTLS(t, fileserver.Config{Root: root})
	resp, body := rawResponse(t, srv.Addr(), "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusBadRequest || bytes.Contains(body, []byte("hello")) {
		t.Errorf("plain HTTP to the TLS port: got %d %q, want 400 and not the file", resp.StatusCode, body)
	}
}

// TestTLSStopStart: listening again after a stop is still HTTPS, with the
// same certificate.
func TestTLSStopStart(t *testing.T) {
	srv, _, base := startTLS(t, fileserver.Config{})
	fp := srv.Fingerprint()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if got := fileserver.Fingerprint(servedCert(t, srv.Addr()).Raw); got != fp {
		t.Errorf("after Stop and Start: fingerprint %s, want %s", got, fp)
	}
	resp, err := pinnedClient(fp, false).Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Proto != "HTTP/2.0" {
		t.Errorf("after Stop and Start: got %d over %s, want 200 over HTTP/2.0", resp.StatusCode, resp.Proto)
	}
}

// TestTLSAuth: the password is asked over HTTP/2 too.
func TestTLSAuth(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "hello"})
	srv, _, base := startTLS(t, fileserver.Config{Root: root, Auth: &fileserver.Credentials{User: "ana", Password: "pw"}})
	client := pinnedClient(srv.Fingerprint(), false)
	for _, tt := range []struct {
		user, pass string
		want       int
	}{{"", "", 401}, {"ana", "no", 401}, {"ana", "pw", 200}} {
		resp := authDo(t, client, "GET", base+"/a.txt", tt.user, tt.pass)
		if resp.StatusCode != tt.want || resp.Proto != "HTTP/2.0" {
			t.Errorf("as %q:%q: got %d over %s, want %d over HTTP/2.0", tt.user, tt.pass, resp.StatusCode, resp.Proto, tt.want)
		}
	}
}

// TestTLSOwnCertificate: --cert and --key are served as they are, and the
// fingerprint shown is theirs, as openssl computes it from the file.
func TestTLSOwnCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key := testkit.MakeCert(t, dir, "mine")
	srv, _, base := startTLS(t, fileserver.Config{CertFile: cert, KeyFile: key})
	pem, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	want := testkit.OpensslFingerprint(t, pem)
	if got := srv.Fingerprint(); got != want {
		t.Errorf("Fingerprint: got %s, want openssl's %s", got, want)
	}
	served := servedCert(t, srv.Addr())
	if got := fileserver.Fingerprint(served.Raw); got != want {
		t.Errorf("served certificate: fingerprint %s, want %s", got, want)
	}
	resp, err := poolClient(served).Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET / with the user's certificate: got %d, want 200", resp.StatusCode)
	}
}

// TestTLSBadCertificate: a certificate that cannot be used stops New with
// one line that names the files.
func TestTLSBadCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key := testkit.MakeCert(t, dir, "one")
	_, otherKey := testkit.MakeCert(t, dir, "two")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "nope.pem")
	tests := []struct {
		name      string
		cert, key string
		want      string
	}{
		{"missing certificate", unreadable, key, "no such file"},
		{"missing key", cert, unreadable, "no such file"},
		{"garbage", garbage, key, garbage},
		{"key of another certificate", cert, otherKey, "does not match"},
		{"key as certificate", key, key, key},
		{"key without certificate", "", key, "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracker := transfer.New()
			defer tracker.Close()
			srv, err := fileserver.New(fileserver.Config{Root: dir, CertFile: tt.cert, KeyFile: tt.key}, tracker)
			if err == nil {
				t.Fatalf("New: got a server (fingerprint %s), want an error", srv.Fingerprint())
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, tt.want) {
				t.Errorf("error: got %q, want one line containing %q", msg, tt.want)
			}
			if tt.cert != "" && !strings.Contains(msg, tt.cert) {
				t.Errorf("error: got %q, want it to name %s", msg, tt.cert)
			}
		})
	}
}

// BenchmarkDownloadTLS downloads a 64 MiB file over plain HTTP (sendfile),
// HTTPS with HTTP/1.1 and HTTPS with HTTP/2, with Go's client in the same
// process: MB/s is what one connection gets when the client's decryption
// shares the CPU. docs/bench-tls.sh measures the same with curl.
func BenchmarkDownloadTLS(b *testing.B) {
	const size = 64 << 20
	root := b.TempDir()
	writePattern(b, filepath.Join(root, "big.bin"), size)
	for _, tc := range []struct {
		name string
		tls  bool
		h1   bool
	}{{"http", false, true}, {"https-h1", true, true}, {"https-h2", true, false}} {
		b.Run(tc.name, func(b *testing.B) {
			srv, _, base := startServer(b, fileserver.Config{Root: root, TLS: tc.tls})
			client := testClient
			if tc.tls {
				base = "https://" + strings.TrimPrefix(base, "http://")
				client = pinnedClient(srv.Fingerprint(), tc.h1)
			}
			buf := make([]byte, 256<<10)
			b.SetBytes(size)
			for b.Loop() {
				resp, err := client.Get(base + "/big.bin")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf)
				resp.Body.Close()
				if err != nil || n != size {
					b.Fatalf("got %d bytes (%v), want %d", n, err, size)
				}
			}
		})
	}
}

// TestTLSPageSaysHowToCheck: with a made certificate, which browsers warn
// about, the listing says how to check it is the right computer; with the
// user's own certificate or plain HTTP it does not. The URL a client came
// in on is marked used.
func TestTLSPageSaysHowToCheck(t *testing.T) {
	const check = "compare its SHA-256 fingerprint with the one on the sharing computer"
	dir := t.TempDir()
	cert, key := testkit.MakeCert(t, dir, "mine")
	made, _, madeBase := startTLS(t, fileserver.Config{})
	own, _, ownBase := startTLS(t, fileserver.Config{CertFile: cert, KeyFile: key})
	_, _, plainBase := startServer(t, fileserver.Config{})
	for _, tt := range []struct {
		name   string
		client *http.Client
		url    string
		want   bool
	}{
		{"made", pinnedClient(made.Fingerprint(), false), madeBase + "/", true},
		{"own", pinnedClient(own.Fingerprint(), false), ownBase + "/", false},
		{"plain", http.DefaultClient, plainBase + "/", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.client.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := strings.Contains(string(body), check); got != tt.want {
				t.Errorf("page says how to check the certificate: %v, want %v", got, tt.want)
			}
		})
	}
	for _, u := range made.URLs() {
		if want := strings.Contains(u.URL, "127.0.0.1"); u.Used != want {
			t.Errorf("URL %s used %v, want %v", u.URL, u.Used, want)
		}
	}
}

// TestLocalNameUsed: a request that names the mDNS host marks its URL used.
func TestLocalNameUsed(t *testing.T) {
	srv, _, base := startServer(t, fileserver.Config{})
	srv.SetLocalName("ada.local")
	used := func() bool { return srv.URLs()[0].Used }
	if used() {
		t.Fatal("the mDNS URL is marked used before any request")
	}
	req, _ := http.NewRequest("GET", base+"/", nil)
	req.Host = "other.example:8000"
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	if used() {
		t.Fatal("a request for another host marked the mDNS URL used")
	}
	req.Host = "ADA.local:8000"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !used() {
		t.Error("a request for ADA.local did not mark the mDNS URL used")
	}
}
