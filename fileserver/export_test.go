package fileserver

// WatchSync tells the package's external tests whether this OS's folder
// watcher reports a change before the next listing (nativeWatchSync).
const WatchSync = nativeWatchSync

// UnnamedTemps tells the tests whether an upload being written has no name
// in its folder (unnamedTemps), or a hidden one.
var UnnamedTemps = unnamedTemps
