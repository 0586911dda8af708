package fileserver

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// File-name rules that come from Windows (issue 18). A share may be copied
// to a Windows machine, or be one, so shareit treats these names the same
// way on every OS where that harms no real file:
//
//   - Names Windows keeps for itself in folders — desktop.ini, Thumbs.db,
//     $RECYCLE.BIN, System Volume Information — are hidden like dotfiles
//     unless Hidden, in any case ("THUMBS.DB"), on every OS. A path through
//     one is 404: for clients it does not exist, as a dotfile does not.
//   - Names a Windows file cannot have — DOS device names (CON, NUL.txt,
//     COM¹…), trailing dots or spaces, ':' (drive-relative paths and NTFS
//     alternate streams such as "x.txt::$DATA") — are refused with 400
//     as upload names on every OS, so a share never gains a file that
//     cannot be copied to Windows. In a URL they are refused with 400
//     only on Windows, where the file system would read them as another
//     name (the console, the file without its trailing dot, a stream of a
//     file): on Unix "aux.c" or "12:30.txt" are ordinary files, and
//     refusing them would hide files that are really there. The characters
//     Windows forbids but Unix names often hold, ? * and the like, are
//     refused only on Windows.
//   - '\' is refused in a URL on every OS (clean), and an upload name is
//     cut at it as at '/' (uploadName): on Windows it separates folders.

// hiddenName reports whether name is hidden unless Hidden: a dotfile, or a
// name Windows uses for its own bookkeeping, in any case.
func hiddenName(name string) bool {
	if name != "" && name[0] == '.' {
		return true
	}
	switch len(name) { // most names are none of these lengths: no folding
	case len("Thumbs.db"), len("desktop.ini"), len("$RECYCLE.BIN"), len("System Volume Information"):
	default:
		return false
	}
	for _, h := range [...]string{"desktop.ini", "thumbs.db", "$recycle.bin", "system volume information"} {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// windowsNameProblem says, for people, why name cannot be the name of a
// file on Windows, or "" if it can. name is one path element. The rules
// are applied whatever the OS, except the characters <>"|?*, which only
// on goos "windows": Unix names such as "what?.txt" are common, and
// Windows refuses to create such a file itself.
func windowsNameProblem(name, goos string) string {
	if name == "" {
		return ""
	}
	if reservedWindowsName(name) {
		return "That name is reserved for a device on Windows (CON, NUL, COM1…)."
	}
	switch name[len(name)-1] {
	case '.', ' ':
		if name != "." && name != ".." {
			return "Names ending with a dot or a space are not accepted: Windows drops them."
		}
	}
	if strings.IndexByte(name, ':') >= 0 {
		return "Names with a colon are not accepted: Windows reads them as a drive or a stream."
	}
	if strings.IndexByte(name, '\\') >= 0 {
		return "Names with a backslash are not accepted: Windows reads it as a folder."
	}
	if goos == "windows" && strings.ContainsAny(name, `<>"|?*`) {
		return `Names with any of < > " | ? * are not accepted: Windows does not allow them.`
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 {
			return "Names with control characters are not accepted."
		}
	}
	return ""
}

// reservedWindowsName reports whether name is a DOS device name, which
// Windows opens as the device whatever folder it is in: CON, PRN, AUX, NUL,
// CONIN$, CONOUT$, COM1–COM9 and LPT1–LPT9 (also with the superscripts
// ¹²³, which Windows counts as digits), in any case, alone or before an
// extension ("nul.txt", "com1.tar.gz"), and with spaces before the dot
// ("CON .txt"), which Windows drops.
func reservedWindowsName(name string) bool {
	if i := strings.IndexAny(name, ".:"); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimRight(name, " ")
	switch len(name) {
	case 3:
		for _, r := range [...]string{"con", "prn", "aux", "nul"} {
			if strings.EqualFold(name, r) {
				return true
			}
		}
	case 4, 5: // COM1, or COM¹ (a superscript is two bytes)
		stem, digit := name[:3], name[3:]
		if !strings.EqualFold(stem, "com") && !strings.EqualFold(stem, "lpt") {
			return false
		}
		switch digit {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	case 6, 7:
		return strings.EqualFold(name, "conin$") || strings.EqualFold(name, "conout$")
	}
	return false
}

// urlNameStatus is the status that refuses one decoded URL path element on
// the OS goos, or 0 if it may be looked up: 404 for hidden names unless
// hidden, 400 for names Windows would read as something else (on Windows
// only; see the rules above).
func urlNameStatus(name string, hidden bool, goos string) int {
	if !hidden && hiddenName(name) || uploadTemp(name) {
		return http.StatusNotFound
	}
	if goos == "windows" && windowsNameProblem(name, goos) != "" {
		return http.StatusBadRequest
	}
	return 0
}

// uploadTemp reports whether name is the temporary file of a form or PUT
// upload still arriving (createTemp): never listed, archived nor served,
// even with Hidden, so nothing half-done is ever visible.
func uploadTemp(name string) bool {
	return len(name) == len(tempPrefix)+16+len(tempSuffix) &&
		strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, tempSuffix)
}

// otherForm is name in the other Unicode normalization form: NFD if it is
// not already, else NFC; false when both are the same (ASCII, most names)
// or name is not valid UTF-8.
func otherForm(name string) (string, bool) {
	if !utf8.ValidString(name) {
		return "", false
	}
	if nfd := norm.NFD.String(name); nfd != name {
		return nfd, true
	}
	if nfc := norm.NFC.String(name); nfc != name {
		return nfc, true
	}
	return "", false
}
