//go:build linux && !portable

package accel

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// poller is an epoll set of connections that wait for a request without a
// goroutine each (listener.park). One goroutine, run, watches the set. Entries are one-shot: each reports once, and is
// then disarmed until armed again or taken out.
type poller struct {
	epoll int
	stop  int // an eventfd in the set, written by close
	// The set as a file of the runtime's poller, which run waits on: an
	// epoll set is readable while it has events.
	file *os.File
	rc   syscall.RawConn
}

// stopID is the eventfd's id in the set; connections count from 1.
const stopID = 0

// newPoller makes the epoll set with the eventfd that stops run in it.
func newPoller() (*poller, error) {
	epoll, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	stop, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err == nil {
		err = unix.EpollCtl(epoll, unix.EPOLL_CTL_ADD, stop, &unix.EpollEvent{Events: unix.EPOLLIN})
		if err != nil {
			unix.Close(stop)
		}
	}
	if err != nil {
		unix.Close(epoll)
		return nil, err
	}
	p := &poller{epoll: epoll, stop: stop}
	if err = unix.SetNonblock(epoll, true); err == nil {
		p.file = os.NewFile(uintptr(epoll), "epoll") // closes epoll from now on
		p.rc, err = p.file.SyscallConn()
	}
	if err != nil {
		unix.Close(stop)
		if p.file != nil {
			p.file.Close()
		} else {
			unix.Close(epoll)
		}
		return nil, err
	}
	return p, nil
}

// add watches fd's socket for events, one-shot and level-triggered: an
// event that is already true reports at once. Callers serialise add with
// close, which ends the set.
func (p *poller) add(fd int, id uint64, events uint32) error {
	ev := unix.EpollEvent{Events: events | unix.EPOLLONESHOT, Fd: int32(id), Pad: int32(id >> 32)}
	return unix.EpollCtl(p.epoll, unix.EPOLL_CTL_ADD, fd, &ev)
}

// rearm arms fd, still in the set since its one event, again, under id.
func (p *poller) rearm(fd int, id uint64, events uint32) error {
	ev := unix.EpollEvent{Events: events | unix.EPOLLONESHOT, Fd: int32(id), Pad: int32(id >> 32)}
	return unix.EpollCtl(p.epoll, unix.EPOLL_CTL_MOD, fd, &ev)
}

// del takes fd out of the set, so that it can be added again.
func (p *poller) del(fd int) {
	unix.EpollCtl(p.epoll, unix.EPOLL_CTL_DEL, fd, nil)
}

// run calls ready with the id of each entry that reports, until close.
// It closes the set when it returns. It waits in the runtime's poller, as
// a socket read does, not in a blocking epoll_wait: a thread blocked in a
// system call has its P handed to another, and on a busy set that hand-off
// cost more CPU than the answers (the quick lane, listener.answer).
func (p *poller) run(ready func(id uint64)) {
	defer unix.Close(p.stop)
	defer p.file.Close()
	events := make([]unix.EpollEvent, 128)
	var n int
	var err error
	look := func(fd uintptr) bool { // made once: a closure per wait would be garbage
		n, err = unix.EpollWait(int(fd), events, 0)
		return n > 0 || err != nil && err != unix.EINTR
	}
	for {
		rerr := p.rc.Read(look)
		if rerr != nil || err != nil {
			return
		}
		for _, ev := range events[:n] {
			id := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if id == stopID {
				return
			}
			ready(id)
		}
	}
}

// close ends run. The set must not be used after.
func (p *poller) close() {
	unix.Write(p.stop, []byte{1, 0, 0, 0, 0, 0, 0, 0})
}
