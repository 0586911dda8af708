package fileserver

// nativeWatchSync: Linux's watcher is read before every lookup, so the
// listing after a change shows it.
const nativeWatchSync = true
