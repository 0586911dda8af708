package fileserver

import "os"

// tempFile is an upload being written, before it has its name: a file
// with no name at all where the system makes one (Linux's O_TMPFILE: a
// cut upload leaves nothing behind, even after a crash, and the folder's
// entries change once per upload, not three times), else a hidden file
// in the folder (createTemp).
type tempFile struct {
	*os.File
	dir  *os.Root
	name string   // the hidden name; "" when the file has none
	at   *os.File // the folder, open, for linking a file with no name
}

// openTemp creates an upload's file in dir, readable by all (0644, less
// the umask), as uploaded files are.
func openTemp(dir *os.Root) (*tempFile, error) {
	if t := openUnnamed(dir); t != nil {
		return t, nil
	}
	name, f, err := createTemp(dir)
	if err != nil {
		return nil, err
	}
	return &tempFile{File: f, dir: dir, name: name}, nil
}

// link gives the synced file the name final in its folder, failing with
// fs.ErrExist if final exists.
func (t *tempFile) link(final string) error {
	if t.name == "" {
		return linkUnnamed(t, final)
	}
	return link(t.dir, t.name, final)
}

// discard closes the file and drops its hidden name: once linked, the
// file lives on under its own; never linked, it is gone.
func (t *tempFile) discard() {
	t.File.Close()
	if t.at != nil {
		t.at.Close()
	}
	if t.name != "" {
		t.dir.Remove(t.name)
	}
}
