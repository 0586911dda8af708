//go:build !linux || portable

package accel

import (
	"net"
	"net/http"
)

// Enabled reports whether the speed-ups are compiled in.
const Enabled = false

// Listener returns ln unchanged: *net.TCPConn's own ReadFrom already sends
// files through the kernel (sendfile on Linux, macOS and FreeBSD,
// TransmitFile on Windows), and every request goes to net/http.
func Listener(ln net.Listener, o Options) net.Listener { return ln }

// ConnState does nothing: no connection waits outside net/http.
func ConnState(c net.Conn, st http.ConnState) {}

// Parked is always 0: no connection waits outside net/http.
func Parked(ln net.Listener) int { return 0 }
