package fileserver

// WatchSync tells the package's external tests whether this OS's folder
// watcher reports a change before the next listing (nativeWatchSync).
const WatchSync = nativeWatchSync
