package fileserver

import (
	"context"
	"sync"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"
)

// tusLocker lets one request at a time work on an upload. A request that
// finds the upload busy cuts the PATCH holding it: its sender is back on
// a new connection (a phone that woke, a reloaded page) and the old one is
// dead, even if the server has not noticed yet. The cut goes through the
// old request's read deadline, so tusd ends it as a read timeout and
// records the bytes it got.
type tusLocker struct {
	s    *Server
	mu   sync.Mutex
	held map[string]chan struct{} // closed on unlock
}

type tusLock struct {
	l  *tusLocker
	id string
}

func (l *tusLocker) NewLock(id string) (handler.Lock, error) { return &tusLock{l, id}, nil }

func (k *tusLock) Lock(ctx context.Context, _ func()) error {
	l := k.l
	for {
		l.mu.Lock()
		ch, busy := l.held[k.id]
		if !busy {
			l.held[k.id] = make(chan struct{})
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		l.s.tusInterrupt(k.id)
		select {
		case <-ch:
		case <-ctx.Done():
			return handler.ErrLockTimeout
		}
	}
}

func (k *tusLock) Unlock() error {
	l := k.l
	l.mu.Lock()
	ch := l.held[k.id]
	delete(l.held, k.id)
	l.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	return nil
}

// tusInterrupt cuts the PATCH now running for upload id, if any.
func (s *Server) tusInterrupt(id string) {
	t := &s.tus
	t.mu.Lock()
	defer t.mu.Unlock()
	if live := t.live[id]; live != nil && live.rc != nil {
		live.rc.SetReadDeadline(time.Now())
	}
}
