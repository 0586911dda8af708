package fileserver

import (
	"bufio"
	"io"
	"sync"
)

// uploadBufSize is how much an upload reads and writes at a time.
const uploadBufSize = 256 << 10

// uploadBufs keeps uploads' buffers for the next: a small file's upload
// would otherwise allocate 256 KiB or more for a few KiB of body, and
// the collector pay for it per file.
type uploadBufs struct {
	copies  sync.Pool // *[]byte of uploadBufSize
	readers sync.Pool // *bufio.Reader of uploadBufSize
}

func (p *uploadBufs) get() []byte {
	if b, ok := p.copies.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, uploadBufSize)
}

func (p *uploadBufs) put(b []byte) { p.copies.Put(&b) }

// reader is a buffered reader of r, from the pool.
func (p *uploadBufs) reader(r io.Reader) *bufio.Reader {
	if br, ok := p.readers.Get().(*bufio.Reader); ok {
		br.Reset(r)
		return br
	}
	return bufio.NewReaderSize(r, uploadBufSize)
}

func (p *uploadBufs) putReader(br *bufio.Reader) {
	br.Reset(nil) // drop the body it read
	p.readers.Put(br)
}
