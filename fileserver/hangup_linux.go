package fileserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// hungUp reports whether the client closed its side of c (or c was closed
// here, as at shutdown), without reading from it: Linux says so in
// POLLRDHUP even while unread bytes wait.
func hungUp(c net.Conn) bool {
	raw, ok, closed := rawSocket(c)
	if !ok || closed {
		return closed
	}
	gone := false
	cerr := raw.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		n, err := unix.Poll(fds, 0)
		gone = err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0
	})
	return gone || cerr != nil
}
