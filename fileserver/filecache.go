package fileserver

import (
	"container/list"
	"os"
	"sync"
	"syscall"
	"time"
)

// Small files are most requests and few bytes: for them the syscalls
// around sendfile (seeks, a sniffing read, sendfile itself) cost more than
// the body. fileCache keeps the bodies of small files that have settled,
// keyed by everything that changes when a file does — device, inode, size,
// modification and change times (ctime cannot be set by users) — so a
// request still opens and fstats the file through os.Root, and a changed
// file is simply a different key.
type fileCache struct {
	mu    sync.Mutex
	items map[fileID]*list.Element // of *cachedFile, most recent first
	lru   *list.List
	bytes int64
	// settle: a file changed more recently than this may be mid-write, so
	// it is not cached.
	settle time.Duration
}

const (
	maxCachedFile = 64 << 10 // larger bodies go through sendfile
	maxCacheBytes = 16 << 20
)

type fileID struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64
}

type cachedFile struct {
	id   fileID
	body []byte
}

func newFileCache() *fileCache {
	return &fileCache{items: make(map[fileID]*list.Element), lru: list.New(), settle: 2 * time.Second}
}

// body returns the contents of f, described by fi, from the cache or read
// now; nil when f is not a small settled regular file (serve it from disk).
func (c *fileCache) body(f *os.File, fi os.FileInfo) []byte {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || fi.Size() > maxCachedFile || !fi.Mode().IsRegular() {
		return nil
	}
	id := fileID{st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano()}
	c.mu.Lock()
	if el := c.items[id]; el != nil {
		c.lru.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cachedFile).body
	}
	c.mu.Unlock()
	if time.Since(time.Unix(0, id.ctime)) < c.settle {
		return nil
	}
	b := make([]byte, id.size)
	if n, _ := f.ReadAt(b, 0); n != len(b) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items[id] == nil {
		c.items[id] = c.lru.PushFront(&cachedFile{id, b})
		c.bytes += int64(len(b))
		for c.bytes > maxCacheBytes {
			old := c.lru.Remove(c.lru.Back()).(*cachedFile)
			delete(c.items, old.id)
			c.bytes -= int64(len(old.body))
		}
	}
	return b
}
