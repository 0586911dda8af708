package main

import (
	"net/netip"
	"time"

	"github.com/spf13/pflag"
)

// reachOptions are the flags for how far and how long the share reaches,
// and the record of what it gave: --mdns, --max-downloads, --timeout and
// --receipt.
type reachOptions struct {
	mdns         bool
	maxDownloads int
	timeout      time.Duration
	receipt      string
}

func addReachFlags(fs *pflag.FlagSet, r *reachOptions) {
	fs.BoolVar(&r.mdns, "mdns", false, "announce the share on the LAN with mDNS: http://HOSTNAME.local:PORT/ works for every machine there")
	fs.IntVar(&r.maxDownloads, "max-downloads", 0, "stop the share after `N` complete downloads (HEAD, partial ranges and cut downloads do not count)")
	fs.DurationVar(&r.timeout, "timeout", 0, "stop the share after `DURATION`, such as 90s, 10m or 2h")
	fs.StringVar(&r.receipt, "receipt", "", "append one JSON line per finished transfer to `FILE`: who took what, and whether all of it")
}

// check validates the flags after parsing; bind is the --bind address.
func (r *reachOptions) check(bind string) error {
	if r.maxDownloads < 0 {
		return usagef("invalid --max-downloads %d: want a number of downloads, 1 or more", r.maxDownloads)
	}
	if r.timeout < 0 {
		return usagef("invalid --timeout %v: want a duration such as 90s, 10m or 2h", r.timeout)
	}
	if ip, err := netip.ParseAddr(bind); r.mdns && err == nil && ip.IsLoopback() {
		return usagef("--mdns announces the share on the LAN; it cannot reach anyone from -b %s", bind)
	}
	return nil
}
