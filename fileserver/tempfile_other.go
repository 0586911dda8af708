//go:build !linux || portable

package fileserver

import (
	"errors"
	"os"
)

// No file without a name here: uploads use hidden names (createTemp).

func unnamedTemps() bool { return false }

func openUnnamed(*os.Root) *tempFile { return nil }

func linkUnnamed(*tempFile, string) error { return errors.ErrUnsupported }
