package tui

import "time"

// Controller is what the TUI needs from the running server.
//
// The model calls these methods from the program's goroutine, between
// messages, so each must return promptly and be safe to call while the
// server runs.
type Controller interface {
	Root() string             // the served folder (absolute path)
	SetRoot(dir string) error // switch folders; an error means the old one is still served
	Pause()                   // pause all transfers (tracker)
	Resume()
	Paused() bool
	Stop() error  // stop listening; running transfers may finish
	Start() error // listen again on the same address
	Listening() bool
	Cancel(id uint64) bool    // cancel a transfer by transfer.Snapshot.ID
	URLs() []URL              // LAN URLs, each labelled, localhost last
	Uploads() bool            // uploads on?
	SetUploads(on bool) error // may fail, e.g. "uploads are not available"
	Rate() int64              // per-client cap in bytes per second, 0 = none
	SetRate(bps int64)        // change the cap live (`+`/`-`); 0 turns it off

	// Per client (an IP address, as the clients panel shows it). Each takes
	// effect at the running transfers' next chunk and is logged by the server.
	Throttle(client string, bps int64) // a cap of its own beside Rate; 0 removes it
	ClientRate(client string) int64    // its own cap, 0 = none
	Kick(client string) int            // cancel its running transfers; how many
	Block(client string) error         // refuse it from now on, and kick it
	Unblock(client string) bool        // let it in again; false: was not blocked
	Blocked() []string                 // the blocked clients, sorted

	Secret() bool // URLs carry a secret token (--secret)
	NewSecret()   // replace it: the old links stop working at once

	Asks() []Ask           // devices waiting to be let in (--ask), oldest first
	Allow(key string) bool // let Ask.Key in; false: too many allowed
	Deny(key string) error // refuse it (its address is blocked: Unblock undoes it)

	// Limited links. NewLink is the one way to make one: a file browser's
	// "link to this" action can call it too. path is absolute, or in the
	// served folder; 0 means no limit.
	NewLink(path string, maxDownloads int, ttl time.Duration) (Link, error)
	Links() []Link                // oldest first
	RevokeLink(token string) bool // false: it had ended already
}

// Ask is a device waiting to be let in (--ask).
type Ask struct {
	Key    string    // the device, for Allow and Deny
	Client string    // its address
	Device string    // what its User-Agent says it is: "iPhone, Safari"
	Since  time.Time // when it asked
}

// URL is one address the share can be reached at.
type URL struct {
	Label   string // the interface, like "eth0", or "localhost"
	URL     string
	Route   bool // on the interface that carries the default route: the best bet for a phone
	Virtual bool // a container bridge, VM host adapter or VPN tunnel: phones rarely reach it
	Used    bool // a connection came in on it
}
