package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"shareit/fileserver"
)

// checkText: a text (--text TEXT, or "-" for standard input) is shared
// alone, and is a snippet: not empty, at most fileserver.MaxText bytes.
// gavePath says whether the command line named a path.
func (o *options) checkText(set, gavePath bool) error {
	const alone = "a text is shared alone: give --text TEXT or -, and no path"
	stdin := slices.Contains(o.shared(), "-")
	switch {
	case stdin && (len(o.shared()) > 1 || set):
		return usagef(alone)
	case stdin:
		o.stdinText, o.dir = true, "."
	case set && gavePath:
		return usagef(alone)
	case set && strings.TrimSpace(o.text) == "":
		return usagef("--text is empty")
	case len(o.text) > fileserver.MaxText:
		return usagef("--text is longer than 64 KiB: share it as a file")
	}
	return nil
}

// readText reads the text to share from r (standard input).
func readText(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, fileserver.MaxText+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("reading standard input: %w", err)
	case len(b) > fileserver.MaxText:
		return "", errors.New("standard input holds more than 64 KiB: share it as a file")
	case strings.TrimSpace(string(b)) == "":
		return "", errors.New("standard input is empty: nothing to share")
	}
	return string(b), nil
}
