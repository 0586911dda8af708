//go:build unix && !linux

package fileserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// hungUp reports whether the client closed its side of c (or c was closed
// here, as at shutdown), without taking any byte from it. These systems
// have no POLLRDHUP: a peek that finds the end of the stream says it. A
// client that sent bytes before it hung up is seen once they are read.
func hungUp(c net.Conn) bool {
	raw, ok, closed := rawSocket(c)
	if !ok || closed {
		return closed
	}
	gone := false
	cerr := raw.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		switch {
		case err != nil || n == 0:
		case fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0:
			gone = true
		default:
			var b [1]byte
			m, _, err := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
			gone = err == nil && m == 0
		}
	})
	return gone || cerr != nil
}
