package main

import (
	"io"
	"os"

	"shareit/fileserver"
	"shareit/transfer"
)

// printSummary tells what the session moved, once the server is done: on
// stdout after the live view's alternate screen is gone, or on stderr in
// headless mode, where stdout is the request log.
func printSummary(headless bool, tracker *transfer.Tracker, srv *fileserver.Server) {
	var w io.Writer = os.Stdout
	if headless {
		w = os.Stderr
	}
	s := tracker.Summary()
	s.Blocked = srv.Blocked()
	s.WriteTo(w)
}
