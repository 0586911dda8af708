//go:build !linux

package fileserver

// defaultRoute is what carries the default route; elsewhere than Linux,
// the source address the kernel would use (sourceRoute).
func defaultRoute() route { return sourceRoute() }
