//go:build !unix

package fileserver

import (
	"net"
)

// hungUp reports whether c was closed here, as at shutdown. A client's
// own hang-up is not seen without reading (Windows sockets have no
// non-blocking peek through Go's poller); its upload ends at the resume.
func hungUp(c net.Conn) bool {
	raw, ok, closed := rawSocket(c)
	if !ok || closed {
		return closed
	}
	return raw.Control(func(uintptr) {}) != nil
}
