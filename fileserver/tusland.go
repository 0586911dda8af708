package fileserver

import (
	"context"
	"net/http"
)

// A complete resumable upload lands in tusd's PreFinishResponseCallback
// (tusFinish): it gets its name, and a record stays for a HEAD.

// tusLandedHeaders tells a HEAD of a landed upload how it landed, as the
// answer to its last PATCH did: the client may have lost that one.
func (s *Server) tusLandedHeaders(h http.Header, id string) {
	up, err := (&tusStore{s: s}).GetUpload(context.Background(), id)
	if err != nil {
		return
	}
	if rec := up.(*tusUpload).rec; rec.Landed != "" {
		h.Set("Upload-Result", rec.Result)
		h.Set("Content-Location", rec.Landed)
		h.Set("Upload-Sha256", rec.Sum)
	}
}

// tusLand gives a complete upload its name in its folder (placeFile), and
// records how, so a HEAD still answers that it is complete.
func (s *Server) tusLand(u *tusUpload) error {
	if !s.Uploads() {
		return tusError(http.StatusForbidden, "Uploads were turned off on the server before this one could land.")
	}
	sum, err := hashFromState(u.rec.State)
	if err != nil {
		return err
	}
	t, err := s.uploadTarget(u.rec.Folder, u.rec.Name)
	if err != nil {
		return err
	}
	dir, name, base := t.dir, t.name, t.base
	defer dir.Close()
	id := u.rec.Info.ID
	f := &incoming{size: u.rec.Info.Size, sum: sum}
	f.link = func(final string) error { return linkAcross(u.root, id+".part", dir, final) }
	f.copy = func() (string, error) {
		// Another file system (a mount inside the share): copy the bytes.
		src, err := u.root.Open(id + ".part")
		if err != nil {
			return "", err
		}
		defer src.Close()
		tmp, out, err := createTemp(dir)
		if err != nil {
			return "", err
		}
		buf := s.bufs.get()
		defer s.bufs.put(buf)
		_, err = copyBody(out, 0, src, nil, buf, bodyError)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return tmp, err
	}
	final, result, err := s.place(dir, name, f, true)
	if err != nil {
		return err
	}
	s.dirs.drop(dirKey{t.root, t.rel}) // and its sub-folders, by the watcher
	u.rec.Landed = base + pathEscape(final)
	u.rec.Result, u.rec.Sum = result, hexSum(sum)
	u.root.Remove(id + ".part")
	if u.unsaved {
		// Landed in the request that created it: a client that lost this
		// answer never learnt the upload's URL, so no record could help it.
		return nil
	}
	return u.save()
}
