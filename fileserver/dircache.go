package fileserver

import (
	"container/list"
	"os"
	"sync"
	"time"
)

// A big folder's listing costs one stat per entry, and stats are most of
// its cost. dirCache keeps the listings of recently listed folders and lets
// the OS say when one changes: a dirWatcher watch on each cached folder
// reports entries created, deleted, moved, written or touched. Pending
// events are taken before every lookup.
//
// A cached listing is used only while the folder is the one listed (same
// file, same modification time: entries added, removed or renamed move
// it), and the entries a watch cannot vouch for are stat'ed again on every
// hit (cachedDir.volatile): subfolders and symlinks always, since a
// folder's watch does not see a subfolder's own changes nor a link's
// target; and every entry of a folder that has no watch — watching was
// refused (the cap, a kqueue folder too big to watch, the OS's limit) or
// is not possible here. Without its watch a listing still saves reading
// the folder, sorting and rendering, and stays correct.
//
// When events are lost (a queue overflow, a watcher error) every watched
// listing is dropped. On Linux events are read synchronously before a
// lookup, so a change made before a request is always seen by it. Where
// they arrive through fsnotify's goroutine (macOS, Windows, BSD) a change
// to a file's size or time can reach a listing a few milliseconds late;
// names added or removed are seen at once through the folder's time, and
// an upload drops its folder's listing itself (dirCache.drop).
type dirCache struct {
	w      dirWatcher // nil: nothing is watched, every hit is checked
	limits watchLimits

	mu      sync.Mutex
	byKey   map[dirKey]*list.Element // of *cachedDir, most recent first
	lru     *list.List
	byWatch map[watchID][]dirKey
	// building counts the watches taken by listings being built, not yet
	// kept: they count against limits.folders too.
	building int
	// epoch counts events and removed watches: a listing built while it
	// moved may have missed a change, so it is served but not kept.
	epoch uint64
}

// maxCachedDirs bounds the folders kept, watched or not.
const maxCachedDirs = 128

// settleDirs: a folder whose modification time is more recent than this
// when it is read may change again within the same tick of its clock (a
// second on FAT and HFS+, a few milliseconds on Linux), unseen by that
// time, so without a watch its listing is not kept.
const settleDirs = 2 * time.Second

// dirWatcher tells the dirCache which watched folders changed. Each OS has
// its own (newDirWatcher): inotify read synchronously on Linux, fsnotify
// elsewhere.
type dirWatcher interface {
	// add starts watching the folder open as d, whose path is dir, and
	// returns its id: the same id for a folder already watched.
	add(dir string, d *os.File) (watchID, error)
	// remove stops watching a folder.
	remove(id watchID)
	// pending reports, without waiting, the events that have arrived:
	// changed for each folder that has one, lost if events were dropped
	// (any watched folder may have changed).
	pending(changed func(watchID), lost func())
	close() error
}

// watchID is one watched folder of a dirWatcher.
type watchID uint64

// watchLimits bounds what watching may cost on an OS.
type watchLimits struct {
	folders int // watched folders at most; 0 watches none
	// entries is the most entries a watched folder may have, 0 for any
	// number: kqueue holds a descriptor for each file in a watched
	// folder, and descriptors are few.
	entries int
}

type dirKey struct {
	root *folder
	rel  string
}

// cachedDir is one folder's listing, with its rendered forms made on
// first use. It is shared by concurrent requests and never modified.
type cachedDir struct {
	key      dirKey
	watch    watchID
	watched  bool
	dir      os.FileInfo // the folder, as it was when read
	entries  []entry
	volatile []int // entries stat'ed again on every hit: what no watch vouches for
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

// newDirCache is the cache with this OS's watcher, or none if it cannot
// start (then listings are still cached, and checked on every hit).
func newDirCache() *dirCache {
	w, limits := newDirWatcher()
	return newDirCacheWith(w, limits)
}

func newDirCacheWith(w dirWatcher, limits watchLimits) *dirCache {
	return &dirCache{
		w:       w,
		limits:  limits,
		byKey:   make(map[dirKey]*list.Element),
		lru:     list.New(),
		byWatch: make(map[watchID][]dirKey),
	}
}

// buildTicket is what a listing being built needs to be kept: its watch,
// if it has one, and the epoch when reading began.
type buildTicket struct {
	watch   watchID
	watched bool
	epoch   uint64
}

// watch starts watching the folder open as d at path dir, which has about
// n entries (-1 if not counted), before it is read. Without a watch the
// ticket still carries the epoch.
func (c *dirCache) watch(dir string, d *os.File, n int) buildTicket {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	t := buildTicket{epoch: c.epoch}
	if c.w == nil || c.limits.folders <= 0 || c.limits.entries > 0 && (n < 0 || n > c.limits.entries) {
		return t
	}
	// Make room: the least recently used watched folders give up theirs.
	for el := c.lru.Back(); el != nil && len(c.byWatch)+c.building >= c.limits.folders; {
		prev := el.Prev()
		if el.Value.(*cachedDir).watched {
			c.remove(el)
		}
		el = prev
	}
	if len(c.byWatch)+c.building >= c.limits.folders {
		return t // every watch is held by listings being built
	}
	id, err := c.w.add(dir, d)
	if err != nil {
		return t // the OS's limit, or a folder that cannot be watched
	}
	c.building++
	c.drain()
	return buildTicket{watch: id, watched: true, epoch: c.epoch}
}

// needsCount reports whether watch needs the folder's number of entries.
func (c *dirCache) needsCount() bool { return c.w != nil && c.limits.entries > 0 }

// get returns the cached listing of key if the folder is still the one
// read (os.SameFile) with the same modification time, and no event said
// it changed. The caller still checks its volatile entries.
func (c *dirCache) get(key dirKey, dir os.FileInfo) *cachedDir {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	el := c.byKey[key]
	if el == nil {
		return nil
	}
	d := el.Value.(*cachedDir)
	if !os.SameFile(d.dir, dir) || !d.dir.ModTime().Equal(dir.ModTime()) {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return d
}

// put keeps d, built under ticket t, unless anything changed since t was
// taken or, without a watch, the folder was too recently changed for its
// time to tell (read is when reading began). A build that failed puts nil,
// to give back its watch.
func (c *dirCache) put(d *cachedDir, t buildTicket, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
	if t.watched {
		c.building--
	}
	keep := d != nil && c.epoch == t.epoch && c.byKey[d.key] == nil &&
		(t.watched || read.Sub(d.dir.ModTime()) >= settleDirs)
	if !keep {
		if t.watched && len(c.byWatch[t.watch]) == 0 {
			c.unwatch(t.watch)
		}
		return // possibly stale, or another request already kept it
	}
	c.byKey[d.key] = c.lru.PushFront(d)
	if d.watched {
		c.byWatch[d.watch] = append(c.byWatch[d.watch], d.key)
	}
	for c.lru.Len() > maxCachedDirs {
		c.remove(c.lru.Back())
	}
}

// drop forgets key: a volatile entry changed, or an upload added a file.
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

// close forgets every folder and stops the watcher (its goroutine, where
// it has one). The cache still works after, without watches.
func (c *dirCache) close() error {
	c.clear()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil {
		return nil
	}
	err := c.w.close()
	c.w = nil
	return err
}

// remove forgets one folder, and its watch when no other key uses it.
// c.mu must be held.
func (c *dirCache) remove(el *list.Element) {
	d := c.lru.Remove(el).(*cachedDir)
	delete(c.byKey, d.key)
	if !d.watched {
		return
	}
	keys := c.byWatch[d.watch]
	for i, k := range keys {
		if k == d.key {
			keys = append(keys[:i], keys[i+1:]...)
			break
		}
	}
	if len(keys) > 0 {
		c.byWatch[d.watch] = keys
		return
	}
	c.unwatch(d.watch)
}

// unwatch removes a watch no cached folder uses. c.mu must be held.
func (c *dirCache) unwatch(id watchID) {
	delete(c.byWatch, id)
	if c.w != nil {
		c.w.remove(id)
	}
	c.epoch++ // a build holding this watch must not be kept
}

// drain takes every pending event and drops the folders they touch; lost
// events drop every watched folder. c.mu must be held.
func (c *dirCache) drain() {
	if c.w == nil {
		return
	}
	c.w.pending(func(id watchID) {
		c.epoch++
		for _, key := range append([]dirKey(nil), c.byWatch[id]...) {
			if el := c.byKey[key]; el != nil {
				c.remove(el)
			}
		}
	}, func() {
		c.epoch++
		for el := c.lru.Back(); el != nil; {
			prev := el.Prev()
			if el.Value.(*cachedDir).watched {
				c.remove(el)
			}
			el = prev
		}
	})
}
