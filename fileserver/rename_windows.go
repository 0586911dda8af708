package fileserver

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// renameNoReplace gives the file tmp in dir the name final, atomically,
// failing with ERROR_ALREADY_EXISTS (fs.ErrExist) if final exists:
// MoveFileEx without MOVEFILE_REPLACE_EXISTING. Windows has no rename
// relative to an open folder, so the names are joined to dir's path; both
// are single names that uploadName and createTemp made, so neither leaves
// dir.
func renameNoReplace(dir *os.Root, tmp, final string) error {
	from, err := windows.UTF16PtrFromString(filepath.Join(dir.Name(), tmp))
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(filepath.Join(dir.Name(), final))
	if err != nil {
		return err
	}
	return windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
}
