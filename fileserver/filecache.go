package fileserver

import (
	"container/list"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Small files are most requests and few bytes: for them the syscalls
// around sendfile (seeks, a sniffing read, sendfile itself) cost more than
// the body. fileCache keeps the bodies of small files that have settled,
// keyed by everything that changes when a file does — device, inode, size,
// modification and change times (ctime cannot be set by users) — so a
// request still stats the file through os.Root, and a changed file is
// simply a different key. A hit needs no open (Server.serveCached).
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

// cachedFile is a small file's body and the header values that depend
// only on it, made once: a plain GET sends them as they are.
type cachedFile struct {
	id      fileID
	body    []byte
	sniffed string   // the Content-Type its first bytes suggest
	length  []string // Content-Length
	etag    []string
	lastMod []string // Last-Modified
}

func newCachedFile(id fileID, body []byte, fi os.FileInfo) *cachedFile {
	return &cachedFile{
		id:      id,
		body:    body,
		sniffed: http.DetectContentType(body[:min(len(body), 512)]),
		length:  []string{strconv.Itoa(len(body))},
		etag:    []string{etag(fi)},
		lastMod: []string{fi.ModTime().UTC().Format(http.TimeFormat)},
	}
}

// contentType is the Content-Type of the file cf holds under name: the
// name's (the inode's other names may say otherwise), else its content's.
func (cf *cachedFile) contentType(name string) string {
	if ctype := mime.TypeByExtension(filepath.Ext(name)); ctype != "" {
		return ctype
	}
	return cf.sniffed
}

func newFileCache() *fileCache {
	return &fileCache{items: make(map[fileID]*list.Element), lru: list.New(), settle: 2 * time.Second}
}

// cached returns the file fi describes if the cache holds it, nil if not.
func (c *fileCache) cached(fi os.FileInfo) *cachedFile {
	id, ok := cacheID(fi)
	if !ok {
		return nil
	}
	return c.lookup(id)
}

func (c *fileCache) lookup(id fileID) *cachedFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.items[id]; el != nil {
		c.lru.MoveToFront(el)
		return el.Value.(*cachedFile)
	}
	return nil
}

// load returns f, described by fi, from the cache or read now; nil when f
// is not a small settled regular file (serve it from disk).
func (c *fileCache) load(f *os.File, fi os.FileInfo) *cachedFile {
	id, ok := cacheID(fi)
	if !ok {
		return nil
	}
	if cf := c.lookup(id); cf != nil {
		return cf
	}
	if time.Since(time.Unix(0, id.ctime)) < c.settle {
		return nil
	}
	b := make([]byte, id.size)
	if n, _ := f.ReadAt(b, 0); n != len(b) {
		return nil
	}
	cf := newCachedFile(id, b, fi)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items[id] == nil {
		c.items[id] = c.lru.PushFront(cf)
		c.bytes += int64(len(b))
		for c.bytes > maxCacheBytes {
			old := c.lru.Remove(c.lru.Back()).(*cachedFile)
			delete(c.items, old.id)
			c.bytes -= int64(len(old.body))
		}
	}
	return cf
}

// cacheID is the key of a small regular file; false for anything else,
// and for every file where the OS gives no identity (versionOf).
func cacheID(fi os.FileInfo) (fileID, bool) {
	if fi.Size() > maxCachedFile || !fi.Mode().IsRegular() {
		return fileID{}, false
	}
	v, ok := versionOf(fi)
	if !ok {
		return fileID{}, false
	}
	return fileID{v.dev, v.ino, fi.Size(), fi.ModTime().UnixNano(), v.ctime}, true
}
