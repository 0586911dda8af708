package fileserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"shareit/fileserver/accel"
)

// HTTPS. With Config.TLS the server makes an ECDSA P-256 certificate in
// memory when it starts, for every address of this machine and its names;
// with CertFile and KeyFile it uses the user's own. Either way people check
// the certificate by its SHA-256 fingerprint, which Fingerprint returns in
// the form `openssl x509 -noout -fingerprint -sha256` prints.
//
// HTTP/2 is offered through ALPN: the listener is a tls.NewListener with
// NextProtos h2 and http/1.1, and net/http serves h2 itself once it sees
// the *tls.Conn negotiated it.
//
// certValidity is how long a made certificate is valid: within the 398
// days browsers accept, so it is refused only for being self-signed.
const certValidity = 397 * 24 * time.Hour

// newTLSConfig returns the TLS configuration for cfg and the certificate's
// fingerprint, or nil when cfg asks for plain HTTP.
func newTLSConfig(cfg Config) (*tls.Config, string, error) {
	var cert tls.Certificate
	var err error
	switch {
	case cfg.CertFile != "" || cfg.KeyFile != "":
		if cfg.CertFile == "" || cfg.KeyFile == "" {
			return nil, "", fmt.Errorf("a certificate needs both its file and its key file")
		}
		cert, err = tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, "", fmt.Errorf("load certificate %s with key %s: %s", cfg.CertFile, cfg.KeyFile, oneLine(err))
		}
	case cfg.TLS:
		cert, err = selfSignedCert(certNames(cfg.Bind))
		if err != nil {
			return nil, "", fmt.Errorf("make a certificate: %w", err)
		}
	default:
		return nil, "", nil
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}, Fingerprint(cert.Certificate[0]), nil
}

// oneLine keeps an error on one line: PEM and ASN.1 errors may hold newlines.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Fingerprint formats the SHA-256 digest of a DER certificate as openssl
// does: upper-case hex bytes joined by colons.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	b.Grow(len(h) * 3 / 2)
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// Fingerprint is the SHA-256 fingerprint of the certificate the server
// presents, "" when it serves plain HTTP.
func (s *Server) Fingerprint() string { return s.access.fingerprint }

// TLS reports whether the server speaks HTTPS.
func (s *Server) TLS() bool { return s.access.tls != nil }

// scheme is "https" or "http", for the URLs.
func (s *Server) scheme() string {
	if s.access.tls != nil {
		return "https"
	}
	return "http"
}

// wrapListener puts an accepted-connection wrapper on a new TCP listener:
// the handshake and the refusal log for HTTPS (tlsListener), else the
// refusal log over the accelerators' connections (plain *net.TCPConns off
// Linux).
func (s *Server) wrapListener(ln net.Listener) net.Listener {
	if s.access.tls != nil {
		return newTLSListener(ln, s, s.access.tls)
	}
	return watchedListener{accel.Listener(ln, s.listenerOptions()), s}
}

// names is what a made certificate is valid for.
type names struct {
	dns []string
	ips []netip.Addr
}

// certNames lists this machine's names and addresses: every interface's
// address (interfaces that are down too: they may come up), loopback, the
// bound address, localhost, HOSTNAME.local (as --mdns announces it),
// HOSTNAME and the full host name.
func certNames(bind string) names {
	var n names
	seen := map[netip.Addr]bool{}
	add := func(a netip.Addr) {
		a = a.Unmap().WithZone("")
		if a.IsValid() && !a.IsUnspecified() && !seen[a] {
			seen[a] = true
			n.ips = append(n.ips, a)
		}
	}
	add(netip.MustParseAddr("127.0.0.1"))
	add(netip.IPv6Loopback())
	if a, err := netip.ParseAddr(bind); err == nil {
		add(a)
	}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		for _, a := range ifaceAddrs(ifc) {
			add(a)
		}
	}
	n.dns = []string{"localhost"}
	host, _ := os.Hostname()
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	label := HostLabel(host)
	n.dns = append(n.dns, label+".local")
	if short, _, _ := strings.Cut(host, "."); validHostname(short) {
		n.dns = append(n.dns, short)
	}
	if strings.Contains(host, ".") && validHostname(host) {
		n.dns = append(n.dns, host)
	}
	return n
}

// validHostname reports whether h is letters, digits, hyphens and dots in
// labels that do not start or end with a hyphen: a name a certificate may
// carry.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// selfSignedCert makes an ECDSA P-256 certificate for n, signed by its own
// key. It is a leaf, not a CA: browsers refuse a CA certificate as a
// server's, and it is trusted by its fingerprint, not by what it signs.
func selfSignedCert(n names) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, err
	}
	host := strings.TrimSuffix(n.dns[1], ".local")
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"shareit"}, CommonName: "shareit on " + host},
		NotBefore:             now.Add(-time.Hour), // a client's clock may be a little behind
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              n.dns,
	}
	for _, a := range n.ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, a.AsSlice())
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
