//go:build !windows

package fileserver

import "os"

// hiddenOnDisk reports whether the OS marks rel hidden other than by its
// name: only Windows has such an attribute.
func (s *Server) hiddenOnDisk(*folder, string) bool { return false }

// hiddenAttr reports whether fi carries the OS's hidden attribute: only
// Windows has one.
func hiddenAttr(os.FileInfo) bool { return false }
