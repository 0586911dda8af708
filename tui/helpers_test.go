package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 21, 8, 36, 17, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// newTest builds a model over ctrl with no event channel (events are fed
// as messages) and a pinned clock, sized w×h.
func newTest(t *testing.T, ctrl Controller, w, h int) (Model, *clock) {
	t.Helper()
	c := &clock{t: t0}
	m := New(ctrl, nil, Options{Version: "1.0.0", Now: c.Now, Started: t0.Add(-(time.Hour + 2*time.Minute + 3*time.Second))})
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, c
}

// update feeds msgs to m in order and returns the model. It does not run
// the commands Update returns; send does.
func update(t *testing.T, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		m, _ = send(t, m, msg)
	}
	return m
}

// send feeds one message and returns the model and the command.
func send(t *testing.T, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(msg)
	mm, ok := next.(Model)
	if !ok {
		t.Fatalf("Update returned %T, want Model", next)
	}
	return mm, cmd
}

// press returns the key press for a key name as bubbletea spells it.
func press(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("press: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// typeText returns one key press per rune of s.
func typeText(s string) []tea.Msg {
	var msgs []tea.Msg
	for _, r := range s {
		msgs = append(msgs, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return msgs
}

// isQuit reports whether cmd ends the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func events(evs ...transfer.Event) eventsMsg { return eventsMsg(evs) }

// Fixtures: a busy share.

const (
	mib = 1 << 20
	gib = 1 << 30
)

func snap(id uint64, kind transfer.Kind, client, path string, size, bytes int64, speed float64) transfer.Snapshot {
	return transfer.Snapshot{
		ID: id, Kind: kind, Client: client, Path: path, UserAgent: "curl/8.5.0",
		Size: size, Bytes: bytes, Parts: 1, Speed: speed,
		Started: t0.Add(-time.Minute), State: transfer.Active,
	}
}

func started(s transfer.Snapshot) transfer.Event {
	return transfer.Event{Kind: transfer.EventStarted, Transfer: s}
}

func ended(s transfer.Snapshot, state transfer.State) transfer.Event {
	s.State, s.Ended, s.Speed = state, t0, 0
	s.Complete = state == transfer.Finished && s.Bytes == s.Size
	kind := map[transfer.State]transfer.EventKind{
		transfer.Finished:  transfer.EventFinished,
		transfer.Failed:    transfer.EventFailed,
		transfer.Cancelled: transfer.EventCancelled,
	}[state]
	if state == transfer.Failed {
		s.Err = "connection reset by peer"
	}
	return transfer.Event{Kind: kind, Transfer: s}
}

func frame(paused bool, ts []transfer.Snapshot, cs []transfer.ClientStats) transfer.Event {
	return transfer.Event{Kind: transfer.EventProgress, Progress: &transfer.Progress{
		Time: t0, Paused: paused, Transfers: ts, Clients: cs,
	}}
}

func logEvent(client, method, uri string, status int, n int64) transfer.Event {
	return transfer.Event{Kind: transfer.EventLog, Log: &transfer.LogLine{
		Time: t0, Client: client, Method: method, URI: uri, Proto: "HTTP/1.1",
		Status: status, Bytes: n, UserAgent: "curl/8.5.0", Duration: 1204 * time.Millisecond,
	}}
}

func notice(text string) transfer.Event {
	return transfer.Event{Kind: transfer.EventNotice, Text: text}
}

// busy returns the events of a share in full swing: three transfers
// running, three that just ended, clients, a log.
func busy() eventsMsg {
	iso := snap(1, transfer.Download, "192.168.1.40", "/isos/ubuntu-24.04.1-desktop-amd64.iso", 6*gib, 2*gib+512*mib, 11.2*mib)
	photos := snap(2, transfer.Archive, "192.168.1.41", "/photos/2026/", -1, 300*mib, 4*mib)
	up := snap(3, transfer.Upload, "10.0.0.9", "/inbox/report.pdf", 2*mib, 512<<10, 96<<10)
	notes := snap(4, transfer.Download, "192.168.1.40", "/notes.txt", 4096, 4096, 0)
	movie := snap(5, transfer.Download, "10.0.0.9", "/movie.mkv", 1*gib, 410*mib, 0)
	big := snap(6, transfer.Download, "192.168.1.41", "/big.bin", 100*mib, 100*mib, 0)
	clients := []transfer.ClientStats{
		{Addr: "10.0.0.9", Active: 1, Bytes: 410*mib + 512<<10, Speed: 96 << 10, Done: 512 << 10, Total: 2 * mib},
		{Addr: "192.168.1.40", Active: 1, Bytes: 2*gib + 512*mib + 4096, Speed: 11.2 * mib, Done: 2*gib + 512*mib, Total: 6 * gib},
		{Addr: "192.168.1.41", Active: 1, Bytes: 400 * mib, Speed: 4 * mib},
	}
	return events(
		started(iso), started(photos), started(up), started(notes), started(movie), started(big),
		ended(notes, transfer.Finished),
		ended(movie, transfer.Cancelled),
		ended(big, transfer.Failed), // every byte moved, yet failed: never 100%
		frame(false, []transfer.Snapshot{iso, photos, up}, clients),
		logEvent("192.168.1.40", "GET", "/isos/ubuntu-24.04.1-desktop-amd64.iso", 206, 0),
		logEvent("192.168.1.40", "GET", "/notes.txt", 200, 4096),
		logEvent("10.0.0.9", "GET", "/nope", 404, 0),
		notice("port 8000 was busy; listening on 8001"),
		logEvent("192.168.1.41", "GET", "/photos/2026/?zip", 200, 0),
	)
}

// crowded returns the events of a share busier than any screen: forty
// transfers running, a dozen clients, sixty log lines.
func crowded() eventsMsg {
	var evs eventsMsg
	var ts []transfer.Snapshot
	var cs []transfer.ClientStats
	for i := range 40 {
		client := "10.0.0." + itoa(10+i%12)
		s := snap(uint64(100+i), transfer.Download, client, "/videos/episode-"+itoa(i+1)+".mkv", 700*mib, int64(i+1)*17*mib, 2*mib)
		ts = append(ts, s)
		evs = append(evs, started(s))
	}
	for i := range 12 {
		cs = append(cs, transfer.ClientStats{Addr: "10.0.0." + itoa(10+i), Active: 3, Bytes: int64(i+1) * 100 * mib,
			Speed: 6 * mib, Done: int64(i+1) * 100 * mib, Total: 2100 * mib})
	}
	evs = append(evs, frame(false, ts, cs))
	for i := range 60 {
		evs = append(evs, logEvent("10.0.0."+itoa(10+i%12), "GET", "/videos/episode-"+itoa(i%40+1)+".mkv", 200, 700*mib))
	}
	return evs
}
