package fileserver

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"time"
	"unicode/utf8"
)

// A stored (uncompressed) zip, written as it streams: the length of the
// whole archive follows from the names and sizes alone, so it is known
// before the first byte and sent as Content-Length, and browsers and the
// TUI show real progress. The CRC of each file is computed while it is
// sent and follows it in a data descriptor (APPNOTE.TXT 4.3.9); the
// central directory at the end repeats it for readers. Entries and
// archives past 4 GiB, or with 65,535 entries or more, get zip64 records
// (APPNOTE 4.3.14, 4.5.3).
//
// https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT

// zipFile is one member of a zip.
type zipFile struct {
	name  string // slash-separated; folders end in "/"
	size  int64  // 0 for folders
	mtime time.Time
	perm  fs.FileMode
	dir   bool
}

const (
	uint16max = 1<<16 - 1
	uint32max = 1<<32 - 1

	zipLocalLen    = 30
	zipCentralLen  = 46
	zipEndLen      = 22
	zip64EndLen    = 56
	zip64LocLen    = 20
	zipTimeLen     = 9  // extended timestamp extra field (0x5455), modification time only
	zip64LocalLen  = 20 // zip64 extra field in a local header: both sizes
	zipDescLen     = 16 // data descriptor with its signature
	zip64DescLen   = 24 // the same with 8-byte sizes
	zipVersion     = 20 // 2.0: folders, data descriptors
	zip64Version   = 45 // 4.5: zip64
	zipMadeByUnix  = 3 << 8
	zipFlagDesc    = 1 << 3  // sizes and CRC follow the data
	zipFlagUTF8    = 1 << 11 // the name is UTF-8
	zipExtTimeID   = 0x5455
	zip64ExtraID   = 0x0001
	zipLocalSig    = 0x04034b50
	zipDescSig     = 0x08074b50
	zipCentralSig  = 0x02014b50
	zip64EndSig    = 0x06064b50
	zip64LocSig    = 0x07064b50
	zipEndSig      = 0x06054b50
	unixDir        = 0o040000
	unixRegular    = 0o100000
	msdosDirectory = 0x10
)

// errSizeChanged ends an archive whose file changed size after its length
// was announced.
var errSizeChanged = errors.New("a file changed size while being archived")

// zipWriter writes the files of a plan, in order, to w.
type zipWriter struct {
	w       io.Writer
	files   []zipFile
	offsets []int64 // of each local header
	crcs    []uint32
	off     int64
	next    int
	force64 bool // zip64 records for every entry and the end (tests)
	buf     []byte
}

func newZipWriter(w io.Writer, files []zipFile) *zipWriter {
	return &zipWriter{w: w, files: files, offsets: make([]int64, 0, len(files)), crcs: make([]uint32, 0, len(files))}
}

// big reports whether f needs zip64 sizes.
func (z *zipWriter) big(f *zipFile) bool { return z.force64 || f.size >= uint32max }

// size is the exact length of the archive.
func (z *zipWriter) size() int64 {
	var off, cd int64
	for i := range z.files {
		f := &z.files[i]
		cd += z.centralLen(f, off)
		off += zipLocalLen + int64(len(f.name)) + zipTimeLen + f.size + zipDescLen
		if z.big(f) {
			off += zip64LocalLen + zip64DescLen - zipDescLen
		}
	}
	return off + cd + z.endLen(off, cd)
}

func (z *zipWriter) centralLen(f *zipFile, off int64) int64 {
	n := int64(zipCentralLen + len(f.name) + zipTimeLen)
	if extra := z.zip64Extra(f, off); extra > 0 {
		n += 4 + extra
	}
	return n
}

// zip64Extra is the length of the data of f's zip64 extra field in the
// central directory, 0 when it needs none.
func (z *zipWriter) zip64Extra(f *zipFile, off int64) int64 {
	var n int64
	if z.big(f) {
		n += 16
	}
	if z.force64 || off >= uint32max {
		n += 8
	}
	return n
}

func (z *zipWriter) end64(count int, cdOff, cdLen int64) bool {
	return z.force64 || count >= uint16max || cdOff >= uint32max || cdLen >= uint32max
}

func (z *zipWriter) endLen(cdOff, cdLen int64) int64 {
	if z.end64(len(z.files), cdOff, cdLen) {
		return zip64EndLen + zip64LocLen + zipEndLen
	}
	return zipEndLen
}

// add writes the next file of the plan: its local header, exactly its
// size in bytes from r (nil for a folder), and its data descriptor. A
// reader that ends early fails with errSizeChanged.
func (z *zipWriter) add(r io.Reader) error {
	if z.buf == nil {
		z.buf = make([]byte, 256<<10) // headers, and file data on its way
	}
	f := &z.files[z.next]
	z.next++
	big := z.big(f)
	b := z.buf[:0]
	b = le32(b, zipLocalSig)
	version := uint16(zipVersion)
	if big {
		version = zip64Version
	}
	b = le16(b, version)
	b = le16(b, zipFlags(f))
	b = le16(b, 0) // stored
	t, d := dosTime(f.mtime)
	b = le16(b, t)
	b = le16(b, d)
	b = le32(b, 0) // CRC, in the descriptor
	if big {
		b = le32(b, uint32max)
		b = le32(b, uint32max)
	} else {
		b = le32(b, 0)
		b = le32(b, 0)
	}
	b = le16(b, uint16(len(f.name)))
	extra := zipTimeLen
	if big {
		extra += zip64LocalLen
	}
	b = le16(b, uint16(extra))
	b = append(b, f.name...)
	b = appendTimeExtra(b, f.mtime)
	if big {
		b = le16(b, zip64ExtraID)
		b = le16(b, 16)
		b = le64(b, 0) // sizes, in the descriptor
		b = le64(b, 0)
	}
	z.offsets = append(z.offsets, z.off)
	if err := z.write(b); err != nil {
		return err
	}

	crc := uint32(0)
	if f.size > 0 {
		for left := f.size; left > 0; {
			n, err := io.ReadFull(r, z.buf[:min(left, int64(len(z.buf)))])
			if n > 0 {
				crc = crc32.Update(crc, crc32.IEEETable, z.buf[:n])
				if werr := z.write(z.buf[:n]); werr != nil {
					return werr
				}
				left -= int64(n)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errSizeChanged
			} else if err != nil {
				return err
			}
		}
	}
	z.crcs = append(z.crcs, crc)

	b = z.buf[:0]
	b = le32(b, zipDescSig)
	b = le32(b, crc)
	if big {
		b = le64(b, uint64(f.size))
		b = le64(b, uint64(f.size))
	} else {
		b = le32(b, uint32(f.size))
		b = le32(b, uint32(f.size))
	}
	return z.write(b)
}

// close writes the central directory and the end records.
func (z *zipWriter) close() error {
	if z.buf == nil {
		z.buf = make([]byte, 0, 1<<10)
	}
	cdOff := z.off
	for i := range z.files {
		f := &z.files[i]
		off := z.offsets[i]
		big := z.big(f)
		extra := z.zip64Extra(f, off)
		version := uint16(zipVersion)
		if extra > 0 {
			version = zip64Version
		}
		b := z.buf[:0]
		b = le32(b, zipCentralSig)
		b = le16(b, zipMadeByUnix|version)
		b = le16(b, version)
		b = le16(b, zipFlags(f))
		b = le16(b, 0)
		t, d := dosTime(f.mtime)
		b = le16(b, t)
		b = le16(b, d)
		b = le32(b, z.crcs[i])
		if big {
			b = le32(b, uint32max)
			b = le32(b, uint32max)
		} else {
			b = le32(b, uint32(f.size))
			b = le32(b, uint32(f.size))
		}
		b = le16(b, uint16(len(f.name)))
		elen := int64(zipTimeLen)
		if extra > 0 {
			elen += 4 + extra
		}
		b = le16(b, uint16(elen))
		b = le16(b, 0) // comment
		b = le16(b, 0) // disk
		b = le16(b, 0) // internal attributes
		mode, attrs := uint32(unixRegular), uint32(0)
		if f.dir {
			mode, attrs = unixDir, msdosDirectory
		}
		b = le32(b, (mode|uint32(f.perm.Perm()))<<16|attrs)
		b = le32(b, uint32(min(off, uint32max)))
		b = append(b, f.name...)
		b = appendTimeExtra(b, f.mtime)
		if extra > 0 {
			b = le16(b, zip64ExtraID)
			b = le16(b, uint16(extra))
			if big {
				b = le64(b, uint64(f.size))
				b = le64(b, uint64(f.size))
			}
			if z.force64 || off >= uint32max {
				b = le64(b, uint64(off))
			}
		}
		if err := z.write(b); err != nil {
			return err
		}
	}
	cdLen := z.off - cdOff
	n := len(z.files)
	b := z.buf[:0]
	if z.end64(n, cdOff, cdLen) {
		end64 := z.off
		b = le32(b, zip64EndSig)
		b = le64(b, zip64EndLen-12) // the record's length after this field
		b = le16(b, zipMadeByUnix|zip64Version)
		b = le16(b, zip64Version)
		b = le32(b, 0) // this disk
		b = le32(b, 0) // the directory's disk
		b = le64(b, uint64(n))
		b = le64(b, uint64(n))
		b = le64(b, uint64(cdLen))
		b = le64(b, uint64(cdOff))
		b = le32(b, zip64LocSig)
		b = le32(b, 0)
		b = le64(b, uint64(end64))
		b = le32(b, 1) // disks
	}
	b = le32(b, zipEndSig)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, uint16(min(n, uint16max)))
	b = le16(b, uint16(min(n, uint16max)))
	b = le32(b, uint32(min(cdLen, uint32max)))
	b = le32(b, uint32(min(cdOff, uint32max)))
	b = le16(b, 0) // comment
	return z.write(b)
}

func (z *zipWriter) write(b []byte) error {
	n, err := z.w.Write(b)
	z.off += int64(n)
	return err
}

func zipFlags(f *zipFile) uint16 {
	if utf8.ValidString(f.name) {
		return zipFlagDesc | zipFlagUTF8
	}
	return zipFlagDesc // the bytes as they are: readers take them as CP437
}

// dosTime is t as MS-DOS time and date fields, in local time (how
// extractors that ignore the extended timestamp read them), clamped to
// the years they can hold.
func dosTime(t time.Time) (tm, date uint16) {
	t = t.Local()
	switch {
	case t.Year() < 1980:
		return 0, 1<<5 | 1 // 1980-01-01
	case t.Year() > 2107:
		return 23<<11 | 59<<5 | 29, 127<<9 | 12<<5 | 31
	}
	tm = uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	date = uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	return tm, date
}

// appendTimeExtra appends the extended timestamp field: the modification
// time in Unix seconds, UTC, as Info-ZIP and Go's archive/zip read it.
func appendTimeExtra(b []byte, t time.Time) []byte {
	b = le16(b, zipExtTimeID)
	b = le16(b, zipTimeLen-4)
	b = append(b, 1) // modification time present
	return le32(b, uint32(min(max(t.Unix(), 0), uint32max)))
}

func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
