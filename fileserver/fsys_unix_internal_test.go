//go:build unix

package fileserver

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"syscall"
	"testing"
)

// TestFaultOf: each errno an open, a write or a link can fail with is the
// fault, upload answer and status it should be, wrapped as the os package
// wraps it.
func TestFaultOf(t *testing.T) {
	tests := []struct {
		errno  syscall.Errno
		fault  fault
		upload int // uploadStatus
		serve  int // statusOf
	}{
		{syscall.ENOSPC, faultNoSpace, http.StatusInsufficientStorage, http.StatusInternalServerError},
		{syscall.EDQUOT, faultNoSpace, http.StatusInsufficientStorage, http.StatusInternalServerError},
		{syscall.EFBIG, faultTooLarge, http.StatusInsufficientStorage, http.StatusInternalServerError},
		{syscall.EROFS, faultReadOnly, http.StatusForbidden, http.StatusInternalServerError},
		{syscall.EACCES, faultAccess, http.StatusForbidden, http.StatusForbidden},
		{syscall.ENAMETOOLONG, faultNameTooLong, http.StatusBadRequest, http.StatusRequestURITooLong},
		{syscall.ENOTDIR, faultNotDir, http.StatusNotFound, http.StatusNotFound},
		{syscall.ELOOP, faultLoop, http.StatusForbidden, http.StatusForbidden},
		{syscall.ENOENT, faultOther, http.StatusNotFound, http.StatusNotFound},
		{syscall.EIO, faultOther, http.StatusInternalServerError, http.StatusInternalServerError},
	}
	for _, tc := range tests {
		err := fmt.Errorf("wrapped: %w", &fs.PathError{Op: "open", Path: "x", Err: tc.errno})
		if got := faultOf(err); got != tc.fault {
			t.Errorf("faultOf(%v): got %d, want %d", tc.errno, got, tc.fault)
		}
		if got, _ := uploadStatus(err); got != tc.upload {
			t.Errorf("uploadStatus(%v): got %d, want %d", tc.errno, got, tc.upload)
		}
		if got := statusOf(err); got != tc.serve {
			t.Errorf("statusOf(%v): got %d, want %d", tc.errno, got, tc.serve)
		}
	}
	if got := statusOf(errNotDir); got != http.StatusNotFound {
		t.Errorf("statusOf(errNotDir): got %d, want 404", got)
	}
	link := &os.LinkError{Op: "link", Old: "a", New: "b", Err: syscall.EPERM}
	if !linkUnsupported(link) {
		t.Errorf("linkUnsupported(%v): got false, want true (FAT says EPERM)", link)
	}
}
