//go:build !linux || portable

package fileserver

import "os"

func unnamedTemps() bool { return false }

// openUnnamed: no file without a name here; uploads use hidden names.
func openUnnamed(*os.Root) *tempFile { return nil }

func linkUnnamed(*tempFile, string) error { panic("no unnamed files here") }
