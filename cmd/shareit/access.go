package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"shareit/fileserver"
	"shareit/transfer"
)

// authEnv holds USER:PASS for --auth, so the password stays out of the
// process list; --auth wins when both are given.
const authEnv = "SHAREIT_AUTH"

// accessOptions are the flags for who may reach the share and how: a
// password, HTTPS, and a per-client bandwidth cap.
type accessOptions struct {
	auth     string // USER:PASS, from --auth or SHAREIT_AUTH
	tls      bool
	certFile string
	keyFile  string
	rate     int64 // bytes per second, 0 = no cap
	secret   bool  // a random token in every URL
	ask      bool  // each new device waits for the person at the terminal
	drop     bool  // a drop box: uploads only
}

// rateFlag is --rate: parsed as it is set, so a bad value is reported the
// way pflag reports a bad number.
type rateFlag struct{ bps *int64 }

func (f rateFlag) String() string {
	if f.bps == nil || *f.bps == 0 {
		return ""
	}
	return transfer.FormatRate(*f.bps)
}

func (f rateFlag) Set(s string) error {
	bps, err := transfer.ParseRate(s)
	if err != nil {
		return err
	}
	*f.bps = bps
	return nil
}

func (rateFlag) Type() string { return "RATE" }

func addAccessFlags(fs *pflag.FlagSet, a *accessOptions) {
	fs.StringVar(&a.auth, "auth", "", "ask for HTTP basic auth with `USER:PASS` (or set "+authEnv+", which keeps it out of the process list)")
	fs.BoolVar(&a.tls, "tls", false, "HTTPS with a certificate made at start; its SHA-256 fingerprint is shown")
	fs.StringVar(&a.certFile, "cert", "", "HTTPS with your own certificate `FILE` (PEM; needs --key)")
	fs.StringVar(&a.keyFile, "key", "", "the --cert certificate's private key `FILE` (PEM)")
	fs.BoolVar(&a.ask, "ask", false, "a new device waits until the person at the terminal allows it (A) or denies it (D); needs the TUI")
	fs.BoolVar(&a.drop, "drop", false, "a drop box: visitors can send files (page, curl -F, curl -T) but see and download nothing")
	fs.BoolVar(&a.secret, "secret", false, "a random token in the URLs and QR code: only people with the link get in (S makes a new one in the TUI)")
	fs.Var(rateFlag{&a.rate}, "rate", "per-client bandwidth cap, e.g. 2MB/s, 500KB/s, 1.5MiB/s (+/- change it live in the TUI)")
}

// check validates the access flags after parsing; SHAREIT_AUTH is read
// here when --auth was not given.
func (a *accessOptions) check(fs *pflag.FlagSet) error {
	source := "--auth"
	if !fs.Changed("auth") {
		a.auth, source = os.Getenv(authEnv), authEnv
	}
	if a.auth != "" || fs.Changed("auth") {
		// Never echo the value: it holds the password.
		user, _, ok := strings.Cut(a.auth, ":")
		if !ok || user == "" {
			return usagef("invalid %s: want USER:PASS with a user name before the ':'", source)
		}
	}
	if (a.certFile == "") != (a.keyFile == "") {
		return usagef("--cert and --key go together: give both")
	}
	return nil
}

// credentials are the --auth user and password, nil when none.
func (a *accessOptions) credentials() *fileserver.Credentials {
	user, pass, ok := strings.Cut(a.auth, ":")
	if !ok {
		return nil
	}
	return &fileserver.Credentials{User: user, Password: pass}
}

// printAccess adds to the banner, after the URLs, what people need to
// check or know: the certificate's fingerprint, the password, the cap.
func printAccess(w io.Writer, srv *fileserver.Server) {
	if fp := srv.Fingerprint(); fp != "" {
		fmt.Fprintf(w, "TLS fingerprint (SHA-256): %s\n", fp)
	}
	if srv.Drop() {
		fmt.Fprintf(w, "Drop box: visitors can send files into %s, and can see or download none\n", transfer.Printable(srv.UploadFolder()))
	}
	if srv.Secret() {
		fmt.Fprintln(w, "Secret link: only people with one of the URLs above get in; keep them to yourself")
	}
	if user := srv.AuthUser(); user != "" {
		fmt.Fprintf(w, "Password required: HTTP basic auth as user %s\n", transfer.Printable(user))
	}
	if r := srv.Rate(); r > 0 {
		fmt.Fprintf(w, "Rate cap: %s per client\n", transfer.FormatRate(r))
	}
}
