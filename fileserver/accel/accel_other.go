//go:build !linux || portable

package accel

import "net"

// Enabled reports whether the speed-ups are compiled in.
const Enabled = false

// Listener returns ln unchanged: *net.TCPConn's own ReadFrom already sends
// files through the kernel (sendfile on Linux, macOS and FreeBSD,
// TransmitFile on Windows).
func Listener(ln net.Listener) net.Listener { return ln }
