package tui

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
}

// URL is one address the share can be reached at.
type URL struct {
	Label   string // the interface, like "eth0", or "localhost"
	URL     string
	Route   bool // on the interface that carries the default route: the best bet for a phone
	Virtual bool // a container bridge, VM host adapter or VPN tunnel: phones rarely reach it
	Used    bool // a connection came in on it
}
