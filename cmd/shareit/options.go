package main

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/spf13/pflag"
)

// options is the parsed command line.
type options struct {
	dir            string   // the folder or file shared: DIR or -d DIR
	paths          []string // several paths shared side by side, or nil
	text           string   // --text, or standard input's once read (stdinText)
	stdinText      bool     // the path "-": share the text on standard input
	port           int
	bind           string
	headless       bool
	hidden         bool
	followSymlinks bool
	logFile        string
	version        bool
	help           bool
	access         accessOptions // --auth, --tls, --cert, --key, --rate, --secret, --ask, --drop
	reach          reachOptions  // --mdns, --max-downloads, --timeout, --receipt
	upload         uploadOptions // -u, --max-upload
}

// usageError is a bad flag or value: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() + " (see shareit --help)" }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

const usageHead = `shareit shares a folder over HTTP on your local network and shows, live,
who downloads what. Like python -m http.server, but fast, resumable and safe.

Usage:
  shareit [flags] [DIR]     serve DIR (default: the current folder)
  shareit [flags] FILE      share one file: a page with a download button and a QR code
  shareit [flags] PATH...   share files and folders side by side, each under its name
  shareit [flags] --text TEXT
                            share a snippet of text: a page with a copy button
  ... | shareit [flags] -   share the text on standard input

Flags:
`

const usageTail = `
Examples:
  shareit                         share the current folder on port 8000
  shareit ~/Downloads             share a folder
  shareit --max-downloads 1 talk.mkv
                                  send one file once, then stop
  shareit -p 9000 -b 127.0.0.1 .  only this machine, port 9000
  shareit --headless --log access.log ~/iso
                                  no TUI; log requests to the terminal and a file
  shareit | tee log.txt           headless is automatic when stdout is not a terminal
  shareit ~/a/photos ~/b/photos notes.pdf
                                  three items at /: photos, photos (2), notes.pdf
  shareit -u --upload-to ~/inbox ~/slides handout.pdf
                                  share two paths; uploads land in ~/inbox
  shareit -u --text 'wifi: hunter2'
                                  a text for the phone; with -u, texts sent back show
                                  in the live view (m) and curl -d text=hi URL/?text sends one
  shareit -u --max-upload 2GiB    accept uploads of up to 2 GiB, from the page
                                  or with curl -F file=@x URL/ or curl -T x URL/
  SHAREIT_AUTH=ana:s3cret shareit ask for a password (or --auth ana:s3cret, which
                                  others on this machine can see in the process list)
  shareit --tls                   HTTPS; compare the fingerprint shown with the browser's
  shareit --cert cert.pem --key key.pem
                                  HTTPS with your own certificate
  shareit --rate 2MB/s            at most 2 MB/s per client, however many connections
  shareit --mdns                  also at http://HOSTNAME.local:8000/, which outlives
                                  a change of LAN address
  shareit --max-downloads 5 --timeout 2h ~/iso
                                  stop after 5 complete downloads, or after 2 hours
  shareit --receipt taken.jsonl   note who took what, one JSON line per transfer
  shareit --secret --tls          a random token in the URLs and QR code: only people
                                  with the link get in (over plain HTTP, anyone on the
                                  same network can read the link: hence --tls)
  shareit --ask                   each new device waits until you press A (allow) or
                                  D (deny) in the live view
  shareit --drop ~/inbox          a drop box: people send files (page, curl -T, curl -F)
                                  and can see or download none

In the live view, a shares another path and R stops sharing one; b browses what
is shared for a file's link and QR code (l there makes a limited link to it); m
shows the texts clients sent; ? lists every key. In the clients panel, T
throttles, K kicks, B blocks and U unblocks the selected client; L lists limited
links (one file or folder, for N downloads or a while), n makes one.

Dotfiles are neither listed nor served unless --hidden; symlinks that lead out
of DIR are refused unless --follow-symlinks. Everything is read-only unless
--upload; an upload never replaces a file (a clash gets a new name, or 409).
`

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("shareit", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard) // errors are reported by run, in one line
	fs.IntVarP(&o.port, "port", "p", 8000, "port to listen on; if busy the next free one is used; 0 = any free port")
	fs.StringVarP(&o.bind, "bind", "b", "", "address to listen on (default: all interfaces; 127.0.0.1 = this machine only)")
	fs.StringVarP(&o.dir, "directory", "d", "", "folder to serve (same as DIR)")
	fs.BoolVar(&o.headless, "headless", false, "no TUI: print the URLs, then one log line per request")
	fs.StringVar(&o.text, "text", "", "share a snippet of text, `TEXT`, instead of a path: a page with a copy button, the text itself for curl (- reads it from standard input)")
	fs.BoolVar(&o.hidden, "hidden", false, "list and serve dotfiles")
	fs.BoolVar(&o.followSymlinks, "follow-symlinks", false, "follow symlinks that point outside DIR")
	addUploadFlags(fs, &o.upload)
	addAccessFlags(fs, &o.access)
	addReachFlags(fs, &o.reach)
	fs.StringVar(&o.logFile, "log", "", "also append the request log to `FILE`")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	return fs
}

// parseArgs reads the command line. Its errors are usageErrors.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := newFlagSet(o)
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if o.help || o.version {
		return o, nil
	}
	switch rest := fs.Args(); {
	case o.dir != "" && len(rest) > 0 && (len(rest) > 1 || rest[0] != o.dir):
		return nil, usagef("give the folder once, as DIR or with -d")
	case len(rest) > 1:
		o.paths = rest
	case len(rest) == 1:
		o.dir = rest[0]
	case o.dir == "":
		o.dir = "."
	}
	if err := o.checkText(fs.Changed("text"), len(fs.Args()) > 0 || fs.Changed("directory")); err != nil {
		return nil, err
	}
	if err := o.checkUploadTo(); err != nil {
		return nil, err
	}
	if o.port < 0 || o.port > 65535 {
		return nil, usagef("invalid port %d: want 0 to 65535", o.port)
	}
	if o.bind == "localhost" {
		o.bind = "127.0.0.1"
	}
	if _, err := netip.ParseAddr(o.bind); o.bind != "" && err != nil {
		return nil, usagef("invalid --bind address %q: want an IP address such as 127.0.0.1", o.bind)
	}
	if err := o.access.check(fs); err != nil {
		return nil, err
	}
	if err := o.reach.check(o.bind); err != nil {
		return nil, err
	}
	return o, nil
}

// shared is what the command line shares: one path, or several.
func (o *options) shared() []string {
	if o.paths != nil {
		return o.paths
	}
	return []string{o.dir}
}

func printUsage(w io.Writer) {
	fs := newFlagSet(&options{})
	io.WriteString(w, usageHead)
	io.WriteString(w, fs.FlagUsages())
	io.WriteString(w, usageTail)
}
