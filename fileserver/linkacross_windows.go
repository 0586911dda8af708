package fileserver

import (
	"os"
	"path/filepath"
)

// linkAcross gives the file name in from a second name, final, in to,
// failing with fs.ErrExist if final exists. Windows has no link relative
// to an open folder, so the names are joined to the folders' paths; both
// are single names that shareit made or checked, so neither leaves its
// folder.
func linkAcross(from *os.Root, name string, to *os.Root, final string) error {
	return os.Link(filepath.Join(from.Name(), name), filepath.Join(to.Name(), final))
}
