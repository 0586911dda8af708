package fileserver

import (
	"container/list"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A big folder's listing costs one stat per entry, and stats are most of
// its cost. dirCache keeps the listings of recently listed folders and lets
// the kernel say when one changes: an inotify watch on each cached folder
// reports entries created, deleted, moved, written or touched. Pending
// events are read before every lookup, so a change that happened before a
// request is always seen by it: the cache is never stale. What a folder's
// watch cannot see — a subfolder's own modification time, a symlink's
// target — is stat'ed again on every hit (see cachedDir.volatile).
type dirCache struct {
	fd int // inotify descriptor, non-blocking; -1 when the cache is off

	mu    sync.Mutex
	byKey map[dirKey]*list.Element // of *cachedDir, most recent first
	lru   *list.List
	byWD  map[int32][]dirKey
	// epoch counts events and removed watches: a listing built while it
	// moved may have missed a change, so it is served but not kept.
	epoch uint64
	buf   []byte
}

// maxCachedDirs bounds the folders kept (and the inotify watches held).
const maxCachedDirs = 128

// watchMask is every change that alters a folder's listing.
const watchMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_MODIFY | unix.IN_ATTRIB | unix.IN_CLOSE_WRITE | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF |
	unix.IN_ONLYDIR

type dirKey struct {
	root *folder
	rel  string
}

// cachedDir is one folder's listing, with its rendered forms made on
// first use. It is shared by concurrent requests and never modified.
type cachedDir struct {
	key      dirKey
	wd       int32
	ino      uint64
	entries  []entry
	volatile []int // entries whose stat the watch does not cover: subfolders and links
	index    bool  // the folder has an index.html (or .htm), served instead of a page
	json     lazyBytes
	// html is each view of the page (sort key, descending, uploads on;
	// see cachedDir.page), rendered when first asked for.
	html [nSortKeys][2][2]lazyBytes
}

// lazyBytes is a rendering made once, when first asked for.
type lazyBytes struct {
	once sync.Once
	b    []byte
	err  error
}

func (l *lazyBytes) get(render func() ([]byte, error)) ([]byte, error) {
	l.once.Do(func() { l.b, l.err = render() })
	return l.b, l.err
}

func newDirCache() *dirCache {
	c := &dirCache{
		fd:    -1,
		byKey: make(map[dirKey]*list.Element),
		lru:   list.New(),
		byWD:  make(map[int32][]dirKey),
		buf:   make([]byte, 64<<10),
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err == nil {
		c.fd = fd
	}
	return c
}

// watch starts watching the open folder dirFD, before it is read, and
// returns the watch and the epoch to pass to put.
func (c *dirCache) watch(dirFD int) (wd int32, epoch uint64, ok bool) {
	if c.fd < 0 {
		return 0, 0, false
	}
	// /proc/self/fd names exactly the folder that was opened, whatever
	// happened to its path since.
	w, err := unix.InotifyAddWatch(c.fd, "/proc/self/fd/"+strconv.Itoa(dirFD), watchMask)
	if err != nil {
		return 0, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	return int32(w), c.epoch, true
}

// get returns the cached listing of key if the folder is still the one
// opened (inode ino) and nothing in it changed.
func (c *dirCache) get(key dirKey, ino uint64) *cachedDir {
	if c.fd < 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	el := c.byKey[key]
	if el == nil {
		return nil
	}
	d := el.Value.(*cachedDir)
	if d.ino != ino {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return d
}

// put keeps d unless anything changed since watch returned epoch.
func (c *dirCache) put(d *cachedDir, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	if c.epoch != epoch || c.byKey[d.key] != nil {
		return // possibly stale, or another request already kept it
	}
	c.byKey[d.key] = c.lru.PushFront(d)
	c.byWD[d.wd] = append(c.byWD[d.wd], d.key)
	for c.lru.Len() > maxCachedDirs {
		c.remove(c.lru.Back())
	}
}

// drop forgets key (a volatile entry changed).
func (c *dirCache) drop(key dirKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.byKey[key]; el != nil {
		c.remove(el)
	}
}

// clear forgets every folder (the root changed).
func (c *dirCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
}

// remove forgets one folder, and its watch when no other key uses it.
// c.mu must be held.
func (c *dirCache) remove(el *list.Element) {
	d := c.lru.Remove(el).(*cachedDir)
	delete(c.byKey, d.key)
	keys := c.byWD[d.wd]
	for i, k := range keys {
		if k == d.key {
			keys = append(keys[:i], keys[i+1:]...)
			break
		}
	}
	if len(keys) > 0 {
		c.byWD[d.wd] = keys
		return
	}
	delete(c.byWD, d.wd)
	unix.InotifyRmWatch(c.fd, uint32(d.wd))
	c.epoch++ // a build holding this watch must not be kept
}

// drain reads every pending event and drops the folders they touch.
// c.mu must be held.
func (c *dirCache) drain() {
	for {
		n, err := unix.Read(c.fd, c.buf)
		if err != nil || n <= 0 {
			return // EAGAIN: nothing pending
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&c.buf[off]))
			off += unix.SizeofInotifyEvent + int(ev.Len)
			c.epoch++
			if ev.Mask&unix.IN_Q_OVERFLOW != 0 {
				for c.lru.Len() > 0 {
					c.remove(c.lru.Back())
				}
				continue
			}
			for _, key := range append([]dirKey(nil), c.byWD[ev.Wd]...) {
				if el := c.byKey[key]; el != nil {
					c.remove(el)
				}
			}
		}
	}
}
