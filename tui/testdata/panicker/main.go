// Command panicker runs the TUI with a controller whose Pause panics, so a
// test can press p and check the terminal is restored after a crash.
package main

import (
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
	"shareit/tui"
)

type crashing struct{}

func (crashing) Root() string          { return "/tmp" }
func (crashing) SetRoot(string) error  { return nil }
func (crashing) Pause()                { panic("deliberate crash for the restore test") }
func (crashing) Resume()               {}
func (crashing) Paused() bool          { return false }
func (crashing) Stop() error           { return nil }
func (crashing) Start() error          { return nil }
func (crashing) Listening() bool       { return true }
func (crashing) Cancel(uint64) bool    { return false }
func (crashing) URLs() []tui.URL       { return []tui.URL{{Label: "localhost", URL: "http://127.0.0.1:1/"}} }
func (crashing) Uploads() bool         { return false }
func (crashing) SetUploads(bool) error { return nil }
func (crashing) Rate() int64           { return 0 }
func (crashing) SetRate(int64)         {}

func (crashing) Throttle(string, int64)  {}
func (crashing) ClientRate(string) int64 { return 0 }
func (crashing) Kick(string) int         { return 0 }
func (crashing) Block(string) error      { return nil }
func (crashing) Unblock(string) bool     { return false }
func (crashing) Blocked() []string       { return nil }
func (crashing) Secret() bool            { return false }
func (crashing) NewSecret()              {}
func (crashing) Asks() []tui.Ask         { return nil }
func (crashing) Allow(string) bool       { return false }
func (crashing) Deny(string) error       { return nil }
func (crashing) Links() []tui.Link       { return nil }
func (crashing) RevokeLink(string) bool  { return false }
func (crashing) NewLink(string, int, time.Duration) (tui.Link, error) {
	return tui.Link{}, nil
}

func main() {
	events := make(chan transfer.Event)
	if _, err := tea.NewProgram(tui.New(crashing{}, events, tui.Options{Version: "test"})).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "panicker:", err)
		os.Exit(1)
	}
}
