//go:build !darwin

package fileserver

// altSpelling is another spelling of rel to try when rel is not found:
// none outside macOS, where the file system does not fold Unicode forms
// and a listing's links carry the bytes stored.
func altSpelling(string) (string, bool) { return "", false }
