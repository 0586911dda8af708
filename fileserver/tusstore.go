package fileserver

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"
)

// tusStore is tusd's DataStore for shareit: each resumable upload is a
// data file ID.part and a record ID.info in the staging folder, which is
// outside the served tree (stagingFor). tusd's own filestore neither
// syncs nor hashes; this one syncs the data before it records an offset,
// and keeps the SHA-256 state with the offset, so the digest is made while
// the bytes stream in, across PATCH requests and restarts, without reading
// the file again.
type tusStore struct{ s *Server }

// tusRecord is what ID.info holds.
type tusRecord struct {
	Info   handler.FileInfo // Offset: bytes synced to ID.part and hashed
	Folder string           // the target folder, relative to the root
	Name   string           // the file's path in Folder, checked (tusName)
	State  []byte           // the SHA-256 state after Info.Offset bytes
	// Set once the upload has landed: a HEAD then still says it is
	// complete, for a client that lost the last reply.
	Landed string // the landed file's URL
	Result string // landedCreated, landedRenamed or landedAlready
	Sum    string // hex SHA-256
}

// tusUpload is one upload, as tusd handles it.
type tusUpload struct {
	st      *tusStore
	root    *os.Root // the staging folder
	rec     tusRecord
	unsaved bool // no record on disk yet (metaWhole)
}

var (
	_ handler.DataStore           = (*tusStore)(nil)
	_ handler.TerminaterDataStore = (*tusStore)(nil)
)

// tusIDLen is the length of an upload ID: 16 random bytes in hex. The
// router refuses any other before tusd sees it (validTusID).
const tusIDLen = 32

func validTusID(id string) bool {
	if len(id) != tusIDLen {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (st *tusStore) NewUpload(ctx context.Context, info handler.FileInfo) (handler.Upload, error) {
	u, err := st.newUpload(info)
	if err != nil {
		return nil, tusErrorOf(err)
	}
	return u, nil
}

func (st *tusStore) newUpload(info handler.FileInfo) (handler.Upload, error) {
	root, err := st.s.staging()
	if err != nil {
		return nil, err
	}
	var b [tusIDLen / 2]byte
	rand.Read(b[:])
	info.ID = hex.EncodeToString(b[:])
	state, err := sha256.New().(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	u := &tusUpload{st: st, root: root, rec: tusRecord{
		Info:   info,
		Folder: info.MetaData[metaFolder],
		Name:   info.MetaData[metaName],
		State:  state,
	}}
	// 0644 less the umask, as a PUT's file: landing keeps the mode, and
	// the staging folder itself (0700) keeps partial uploads private.
	f, err := root.OpenFile(info.ID+".part", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if info.MetaData[metaWhole] != "" {
		// Its creation request carries all of it: no record until it is
		// cut short (WriteChunk). Creating a file costs more than anything
		// else a small upload does (docs/PERFORMANCE.md).
		u.unsaved = true
		return u, nil
	}
	if err := u.save(); err != nil {
		root.Remove(info.ID + ".part")
		return nil, err
	}
	return u, nil
}

func (st *tusStore) GetUpload(ctx context.Context, id string) (handler.Upload, error) {
	root, err := st.s.staging()
	if err != nil {
		return nil, err
	}
	b, err := root.ReadFile(id + ".info")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, handler.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	u := &tusUpload{st: st, root: root}
	if err := json.Unmarshal(b, &u.rec); err != nil || u.rec.Info.ID != id {
		return nil, handler.ErrNotFound
	}
	if u.rec.Landed != "" {
		u.rec.Info.Offset = u.rec.Info.Size
		return u, nil
	}
	// Bytes past the recorded offset (written, then the server stopped
	// before recording them) are cut by the next WriteChunk; fewer bytes
	// than recorded mean the file was tampered with: it cannot resume.
	fi, err := root.Stat(id + ".part")
	if err != nil || fi.Size() < u.rec.Info.Offset {
		return nil, handler.ErrNotFound
	}
	return u, nil
}

func (st *tusStore) AsTerminatableUpload(u handler.Upload) handler.TerminatableUpload {
	return u.(*tusUpload)
}

func (u *tusUpload) GetInfo(context.Context) (handler.FileInfo, error) { return u.rec.Info, nil }

// GetReader is never called: downloads of partial uploads are refused by
// the router and no ContentServer is registered.
func (u *tusUpload) GetReader(context.Context) (io.ReadCloser, error) {
	return nil, errors.ErrUnsupported
}

// FinishUpload does nothing: the file lands in PreFinishResponseCallback,
// where its answer can say under which name (tusLand).
func (u *tusUpload) FinishUpload(context.Context) error { return nil }

func (u *tusUpload) Terminate(context.Context) error {
	err := u.root.Remove(u.rec.Info.ID + ".part")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := u.root.Remove(u.rec.Info.ID + ".info"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// WriteChunk appends src at offset, hashing what it writes. Whatever was
// written is synced and recorded, even when src or the disk fails midway,
// so the next PATCH resumes from the last byte that is safe.
func (u *tusUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (_ int64, err error) {
	defer func() {
		if err != nil {
			err = tusErrorOf(err) // a sentence for the sender, never the OS's text
		}
	}()
	if offset != u.rec.Info.Offset {
		return 0, handler.ErrMismatchOffset
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(u.rec.State); err != nil {
		return 0, err
	}
	f, err := u.root.OpenFile(u.rec.Info.ID+".part", os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Truncate(offset); err != nil { // bytes never recorded
		return 0, err
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, err
	}
	buf := u.st.s.bufs.get()
	defer u.st.s.bufs.put(buf)
	// tusd's errors, from the body, go to tusd as they are.
	n, err := copyBody(f, offset, u.st.s.tusBody(ctx, u, src), h, buf, func(err error) error { return err })
	defer func() { u.st.s.tusChunked(u, err) }() // runs first: it needs the error unmapped
	if n == 0 {
		return 0, err
	}
	if serr := f.Sync(); serr != nil {
		return 0, serr // nothing is recorded that the disk may not hold
	}
	state, merr := h.(encoding.BinaryMarshaler).MarshalBinary()
	if merr != nil {
		return 0, merr
	}
	u.rec.Info.Offset += n
	u.rec.State = state
	if u.rec.Info.Offset == u.rec.Info.Size {
		// Complete: it lands now and its record is written then
		// (tusLand). Should the server stop first, the old record makes
		// the client send the last chunk again.
		tusReqOf(ctx).done = u
		return n, err
	}
	if u.unsaved {
		// Cut short in its creation request: tusd's error answer carries
		// no Location, so no client can resume it. It goes now.
		u.Terminate(ctx)
		err = cmp.Or[error](err, handler.ErrUnexpectedEOF)
		u.st.s.tusEnd(u.rec.Info.ID, err)
		return n, err
	}
	if serr := u.save(); serr != nil {
		u.rec.Info.Offset -= n
		return 0, serr
	}
	return n, err
}

// save writes the record to a temporary name, then renames it over the
// old one: a crash leaves one record or the other, never half of one.
func (u *tusUpload) save() error {
	b, err := json.Marshal(&u.rec)
	if err != nil {
		return err
	}
	id := u.rec.Info.ID
	f, err := u.root.OpenFile(id+".info.tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = u.root.Rename(id+".info.tmp", id+".info")
	}
	if err == nil {
		u.unsaved = false
	}
	return err
}

// tusMaxAge is how long an upload may wait for its sender before it is
// removed, and how long a landed upload's record answers a HEAD.
const tusMaxAge = 24 * time.Hour

// cleanStaging removes uploads whose record has not changed for maxAge,
// and data files left without a record.
func cleanStaging(root *os.Root, maxAge time.Duration, now time.Time) {
	d, err := root.Open(".")
	if err != nil {
		return
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return
	}
	old := func(name string) bool {
		fi, err := root.Stat(name)
		return err == nil && now.Sub(fi.ModTime()) > maxAge
	}
	for _, e := range entries {
		name := e.Name()
		id, _, _ := strings.Cut(name, ".")
		if !validTusID(id) || !old(name) {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".info"):
			root.Remove(id + ".part")
			root.Remove(name)
		case strings.HasSuffix(name, ".part"), strings.HasSuffix(name, ".tmp"):
			if _, err := root.Stat(id + ".info"); errors.Is(err, fs.ErrNotExist) || strings.HasSuffix(name, ".tmp") {
				root.Remove(name)
			}
		}
	}
}
