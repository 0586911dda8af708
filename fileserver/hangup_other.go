//go:build !unix

package fileserver

import (
	"net"
	"syscall"
)

// hungUp reports whether c was closed here, as at shutdown. A client's
// own hang-up is not seen without reading (Windows sockets have no
// non-blocking peek through Go's poller); its upload ends at the resume.
func hungUp(c net.Conn) bool {
	sc, ok := socket(c).(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	return raw.Control(func(uintptr) {}) != nil
}
