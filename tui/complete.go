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

// completePath is completeDir, with files among the names when files is
// set; then the candidates that are folders end in a separator.
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
		folder := isDir(dir, e)
		switch {
		case folder && files:
			name += sep
		case !folder && !files:
			continue
		}
		names = append(names, name)
	}
	switch {
	case len(names) == 0:
		return value, nil
	case len(names) == 1 && !files:
		return dirPart + names[0] + sep, nil
	case len(names) == 1:
		return dirPart + names[0], nil
	}
	return dirPart + commonPrefix(names), names
}

// workDir is the folder shareit was started in: where a relative path to
// share starts.
func workDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	return dir
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
