//go:build !linux

package fileserver

// nativeWatchSync: fsnotify's events arrive through its goroutine, so a
// change may reach the listing a moment late.
const nativeWatchSync = false
