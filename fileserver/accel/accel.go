// Package accel holds the Linux-only speed-ups of shareit's HTTP side,
// behind one function: Listener wraps the plain-HTTP listener, and the
// connections it accepts send file bodies faster than *net.TCPConn does.
// Everything else, and every platform but Linux, is plain net/http; the
// build tag "portable" compiles the speed-ups out on Linux too, so the
// suite can run the path macOS and Windows get.
//
// What a connection must keep for net/http: it is an io.ReaderFrom (or
// net/http copies bodies through a 32 KiB buffer instead of sendfile), and
// it is the accepted *net.TCPConn underneath, reachable through NetConn
// for anything that needs the socket (a hang-up check, deadlines).
package accel
