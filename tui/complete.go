package tui

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// resolveDir turns what the user typed into a path: "~" is the home
// folder, and a relative path is relative to base, the folder being served.
func resolveDir(value, base string) string {
	if value == "~" || len(value) > 1 && value[0] == '~' && os.IsPathSeparator(value[1]) {
		if home, err := os.UserHomeDir(); err == nil {
			value = filepath.Join(home, value[1:])
		}
	}
	if !filepath.IsAbs(value) {
		value = filepath.Join(base, value)
	}
	return filepath.Clean(value)
}

// completeDir completes the last element of value to the name of a folder,
// like a shell: one match is completed with a trailing separator, several
// are completed to their common prefix and returned as candidates. Hidden
// folders are offered only when the typed element starts with a dot.
//
// A separator is what the system takes as one: '/' and, on Windows, '\'
// too. The one added is the last one typed, so that C:/x and C:\x both
// complete in their own style, or the system's own when none was typed.
func completeDir(value, base string) (string, []string) {
	return completePath(value, base, false)
}

// completePath is completeDir that, with files, completes to files too: a
// file is completed without a separator after it.
func completePath(value, base string, files bool) (string, []string) {
	i := strings.LastIndexFunc(value, isSeparator)
	dirPart, prefix := value[:i+1], value[i+1:]
	sep := string(filepath.Separator)
	if i >= 0 {
		sep = value[i : i+1]
	}
	dir := base
	if dirPart != "" {
		dir = resolveDir(dirPart, base)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return value, nil
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".") {
			continue
		}
		if !files && !isDir(dir, e) {
			continue
		}
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		return value, nil
	case 1:
		if files && !isDir(dir, entryOf(entries, names[0])) {
			return dirPart + names[0], nil
		}
		return dirPart + names[0] + sep, nil
	}
	return dirPart + commonPrefix(names), names
}

// isSeparator reports whether r separates the elements of a path here.
func isSeparator(r rune) bool {
	return r < utf8.RuneSelf && os.IsPathSeparator(uint8(r))
}

// isDir reports whether e is a folder, or a symlink to one.
func isDir(dir string, e fs.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, e.Name()))
	return err == nil && fi.IsDir()
}

func commonPrefix(names []string) string {
	p := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// entryOf is the entry called name.
func entryOf(entries []fs.DirEntry, name string) fs.DirEntry {
	for _, e := range entries {
		if e.Name() == name {
			return e
		}
	}
	return nil
}
