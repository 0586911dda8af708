// Package tui is shareit's terminal control room: who is connected, what
// each client is downloading, how fast and how far along, the request log,
// and keys to pause, change the folder, stop the server or quit.
//
// It reads the tracker's events from a channel, through a command that
// Update re-arms after each batch, and drives the server through the small
// Controller interface, so tests run it against a fake.
package tui

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"shareit/transfer"
)

// Options configures the TUI.
type Options struct {
	Version string // shown in the header
	// Started is when sharing began, for the uptime; zero means when New
	// is called.
	Started time.Time
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
	// Notes are what is on besides the defaults, for the header ("password",
	// "ends after 5 downloads", "ends at 14:20"); each is shown as given.
	Notes []string
	// Fingerprint is the SHA-256 fingerprint of the server's TLS
	// certificate, shown in the header so people can check it; "" for HTTP.
	Fingerprint string
	// HintAfter is how long the TUI waits for a device other than this
	// computer before it says what usually blocks phones; 0 means a
	// minute. Tests shorten it.
	HintAfter time.Duration
	// GOOS is the system whose words the hint uses; "" means the one
	// shareit runs on (runtime.GOOS).
	GOOS string
}

// Exit says how the program ended.
type Exit int

const (
	ExitNone   Exit = iota // it did not end through the TUI (killed, interrupted, error)
	ExitQuit               // the user quit
	ExitForced             // the user quit with a second ctrl+c while transfers ran
	ExitClosed             // the event channel closed: the server went away
)

func (e Exit) String() string {
	switch e {
	case ExitQuit:
		return "quit"
	case ExitForced:
		return "forced"
	case ExitClosed:
		return "closed"
	}
	return "none"
}

// ExitOf returns how the program whose final model is m ended, for the
// model that tea.Program.Run returns.
func ExitOf(m tea.Model) Exit {
	if m, ok := m.(Model); ok {
		return m.Exit()
	}
	return ExitNone
}

// mode is what keys go to.
type mode int

const (
	modeMain        mode = iota
	modeFolder           // typing a folder
	modeConfirmQuit      // asking whether to quit while transfers run
	modeFilter           // typing the log's filter
	modeRemove           // picking a shared path to stop sharing
	modeBrowse           // browsing what is shared (b)
	modeCode             // one link's code, full screen
	modePrompt           // typing into a one-line prompt (lineInput)
	modeQR               // the selected URL's code, full screen (`v`)
	modeFingerprint      // the TLS fingerprint, full screen (`f`)
)

// tick refreshes the clock-driven parts: uptime, ended rows, messages.
const tickEvery = time.Second

type tickMsg time.Time

func tick() tea.Cmd {
	return tea.Tick(tickEvery, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// statusFor is how long a message under the panels stays.
const statusFor = 6 * time.Second

type status struct {
	text string
	err  bool
	at   time.Time
}

// Model is the TUI's Bubble Tea model. Build it with New.
type Model struct {
	ctrl    Controller
	events  <-chan transfer.Event
	now     func() time.Time
	started time.Time

	styles *Styles
	keys   keyMap // enabled for the current state by sync
	help   help.Model
	// keysFor is the state sync enabled keys for; footer is the help as
	// layout last drew it.
	keysFor keyState
	footer  drawnHelp

	header    header
	urls      urlsView
	transfers transfersView
	history   historyView  // shown in the transfers' place (showHistory)
	messages  messagesView // shown in the transfers' place (showMessages)
	clients   clientsView
	log       logView
	input     rootInput   // a folder to serve (d), or a path to share too (a: adding)
	items     itemsView   // the shared paths, while picking one to remove (R)
	files     browserView // what is shared, while browsing (b)
	// pinned is the escaped URL path of the item whose code the URLs
	// panel shows ("" for the share itself); zoom is the link shown full
	// screen, zoomQR its code, drawn once as it opens, or zoomErr why it
	// has none.
	pinned, zoom string
	zoomQR       []string
	zoomErr      error
	links        linksView // shown in the transfers' place (showLinks)
	prompt       lineInput

	mode        mode
	adding      bool // the input is for a path to share beside the others
	focus       panel
	showHistory bool // `h`: the ended transfers in place of the running ones
	// showMessages is `m`: the texts clients sent in place of the
	// running transfers.
	showMessages bool
	showLinks    bool // `L`: the limited links in place of the running transfers
	lay          layout

	// The server's state, as last read from the controller.
	root      string
	paused    bool
	listening bool
	uploads   bool
	shared    []Item // what is shared, when the controller is a Sharer
	secret    bool
	asks      []Ask // devices waiting to be let in (--ask)

	status status
	exit   Exit

	// filter is what `/` typed: the log shows the lines holding it.
	filter string
	// A rate change is logged once it settles, rateSettle after the last
	// `+` or `-`, not once per key: rateSeq numbers the presses, rateFrom
	// is the cap before the first of them.
	rateSeq     int
	rateFrom    int64
	ratePending bool

	// Until a device other than this computer makes a request, hintAt is
	// when the TUI says what usually blocks phones, in goos's words.
	othersSeen bool
	hinted     bool
	hintAt     time.Time
	goos       string

	width, height int
}

// New builds the TUI for the server ctrl controls, showing the events read
// from events (a transfer.Subscription's C). Closing events ends the
// program with ExitClosed.
func New(ctrl Controller, events <-chan transfer.Event, opts Options) Model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	started := opts.Started
	if started.IsZero() {
		started = now()
	}
	st := DefaultStyles(true)
	keys := DefaultKeyMap()
	hintAfter := opts.HintAfter
	if hintAfter <= 0 {
		hintAfter = time.Minute
	}
	goos := opts.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	m := Model{
		ctrl:      ctrl,
		events:    events,
		now:       now,
		started:   started,
		styles:    &st,
		keys:      keys,
		help:      help.New(),
		header:    header{st: &st, version: opts.Version, fingerprint: opts.Fingerprint, notes: opts.Notes},
		urls:      newURLsView(&st, keys),
		transfers: newTransfersView(&st, keys),
		history:   newHistoryView(&st, keys),
		messages:  newMessagesView(&st, keys),
		clients:   newClientsView(&st, keys),
		log:       newLogView(&st, keys),
		input:     newRootInput(&st),
		items:     itemsView{st: &st, keys: keys},
		files:     browserView{st: &st, keys: keys, actions: defaultBrowseActions()},
		links:     newLinksView(&st, keys),
		prompt:    newLineInput(&st),
		focus:     panelTransfers,

		hintAt: started.Add(hintAfter),
		goos:   goos,
	}
	m.help.Styles = st.Help
	m.refresh()
	m.sync()
	return m
}

// Exit says how the program ended; ExitNone while it runs.
func (m Model) Exit() Exit { return m.exit }

// Init starts reading events, the clock, and asks the terminal for its
// background colour to pick readable colours.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitForEvents(m.events, 0), tick(), tea.RequestBackgroundColor)
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.setStyles(DefaultStyles(msg.IsDark()))
	case tickMsg:
		m.refresh()
		now := m.now()
		m.transfers.prune(now)
		if m.status.text != "" && now.Sub(m.status.at) >= statusFor {
			m.status = status{}
		}
		m.checkReach(now)
		cmd = tick()
	case eventsMsg:
		for _, ev := range msg {
			m.handleEvent(ev)
		}
		cmd = waitForEvents(m.events, pauseAfter(msg, m.transfers.active()))
	case rateSettledMsg:
		m.rateSettled(msg)
	case eventsClosedMsg:
		m.exit = ExitClosed
		cmd = tea.Quit
	case tea.KeyPressMsg:
		m, cmd = m.handleKey(msg)
	case tea.MouseMsg:
		m, cmd = m.handleMouse(msg)
	case tea.PasteMsg:
		switch m.mode {
		case modeFolder:
			m.input, cmd = m.input.Update(msg)
		case modeFilter:
			m.setFilter(m.filter + msg.Content)
		case modePrompt:
			m.prompt, cmd = m.prompt.Update(msg)
		}
	}
	m.sync()
	return m, cmd
}

// handleEvent applies one tracker event.
func (m *Model) handleEvent(ev transfer.Event) {
	switch ev.Kind {
	case transfer.EventStarted:
		if m.transfers.started(ev.Transfer) {
			m.log.addEvent(ev.Transfer.Started, beganText(ev.Transfer))
		}
	case transfer.EventFinished, transfer.EventFailed, transfer.EventCancelled:
		m.transfers.finished(ev.Transfer, m.now())
		m.history.add(ev.Transfer)
	case transfer.EventProgress:
		if ev.Progress == nil {
			return
		}
		m.transfers.setFrame(ev.Progress)
		m.clients.setFrame(ev.Progress)
		m.header.clients = len(ev.Progress.Clients)
		m.header.sent, m.header.speed = 0, 0
		for _, c := range ev.Progress.Clients {
			m.header.sent += c.Bytes
			if c.Active > 0 {
				m.header.speed += c.Speed
			}
		}
	case transfer.EventLog:
		if ev.Log != nil {
			m.log.addRequest(ev.Log)
			m.sawClient(ev.Log.Client)
		}
	case transfer.EventMessage:
		if ev.Message != nil {
			m.messages.add(*ev.Message)
			m.setStatus("a text from " + transfer.Printable(ev.Message.Client) + " · m shows it")
		}
	case transfer.EventNotice:
		at := ev.Time
		if at.IsZero() {
			at = m.now()
		}
		m.log.addNotice(at, ev.Text)
		if ev.Action == transfer.ActionAsk {
			m.refreshAsks()
		}
	}
}

// refresh reads the server's state from the controller.
func (m *Model) refresh() {
	m.root = m.ctrl.Root()
	if sh := m.sharer(); sh != nil {
		m.shared = sh.Items()
	}
	m.paused = m.ctrl.Paused()
	m.listening = m.ctrl.Listening()
	m.uploads = m.ctrl.Uploads()
	m.secret = m.ctrl.Secret()
	m.refreshAsks()
	m.header.rate = m.ctrl.Rate()
	m.refreshLinks() // and the URLs
	m.refreshMarks()
}

func (m *Model) setStatus(text string) {
	m.status = status{text: text, at: m.now()}
}

func (m *Model) setError(err error) {
	m.status = status{text: err.Error(), err: true, at: m.now()}
}

// setFilter shows only the log lines holding text.
func (m *Model) setFilter(text string) {
	m.filter = text
	m.log.setFilter(text)
}

// note writes in the log something the person at the terminal did.
func (m *Model) note(text string) {
	m.log.addEvent(m.now(), text)
}

// beganText is the log's line for a transfer that began.
func beganText(s transfer.Snapshot) string {
	what := "began downloading " + s.Path
	switch s.Kind {
	case transfer.Upload:
		what = "began uploading " + s.Path
	case transfer.Archive:
		what = "began downloading " + s.Path + " as an archive"
	}
	if s.Size >= 0 {
		what += " (" + formatBytes(s.Size) + ")"
	}
	return s.Client + " " + what
}

func (m *Model) setStyles(st Styles) {
	*m.styles = st
	m.help.Styles = st.Help
	m.footer = drawnHelp{}
	m.input.setStyles(m.styles)
	m.prompt.setStyles(m.styles)
	m.transfers.bar = newBar(m.styles)
	m.clients.bar = newBar(m.styles)
	m.urls.restyle()
}

// toggleInPlace shows one of the lists that take the running transfers'
// place (history, messages, links), or the transfers again when it shows.
func (m *Model) toggleInPlace(which *bool) {
	on := !*which
	m.showHistory, m.showMessages, m.showLinks = false, false, false
	*which = on
	m.focus = panelTransfers
	m.refreshLinks() // the URL panel shows the selected link only while they show
}

// handleKey acts on a key press according to the mode.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch m.mode {
	case modeBrowse:
		return m.handleBrowseKey(msg)
	case modeCode:
		m.mode = modeBrowse
		return m, nil
	case modeQR, modeFingerprint:
		switch {
		case key.Matches(msg, k.Interrupt):
			m.mode = modeMain
			return m.quit()
		case key.Matches(msg, k.Close):
			m.mode = modeMain
		case m.mode == modeQR:
			// Up and down pick another URL without leaving the code.
			m.urls, _ = m.urls.Update(msg)
		}
		return m, nil

	case modeConfirmQuit:
		switch {
		case key.Matches(msg, k.Force):
			m.exit = ExitForced
			return m, tea.Quit
		case key.Matches(msg, k.Yes):
			m.exit = ExitQuit
			return m, tea.Quit
		case key.Matches(msg, k.No):
			m.mode = modeMain
		}
		return m, nil

	case modeFilter:
		switch {
		case key.Matches(msg, k.Interrupt):
			m.mode = modeMain
			return m.quit()
		case key.Matches(msg, k.FilterApply):
			m.mode = modeMain
		case key.Matches(msg, k.FilterClear):
			m.setFilter("")
			m.mode = modeMain
		case msg.Code == tea.KeyBackspace:
			if r := []rune(m.filter); len(r) > 0 {
				m.setFilter(string(r[:len(r)-1]))
			}
		case msg.Text != "":
			m.setFilter(m.filter + msg.Text)
		}
		return m, nil

	case modePrompt:
		switch {
		case key.Matches(msg, k.Interrupt):
			m.closePrompt()
			return m.quit()
		case key.Matches(msg, k.Dismiss):
			m.closePrompt()
		case key.Matches(msg, k.Complete):
			m.completePrompt()
		case key.Matches(msg, k.Apply):
			return m.applyPrompt()
		default:
			var cmd tea.Cmd
			m.prompt, cmd = m.prompt.Update(msg)
			return m, cmd
		}
		return m, nil

	case modeRemove:
		switch {
		case key.Matches(msg, k.Interrupt):
			m.mode = modeMain
			return m.quit()
		case key.Matches(msg, k.Dismiss):
			m.mode = modeMain
		case key.Matches(msg, k.Apply):
			m.applyRemove()
		default:
			m.items, _ = m.items.Update(msg)
		}
		return m, nil

	case modeFolder:
		switch {
		case key.Matches(msg, k.Interrupt):
			m.closeInput()
			return m.quit()
		case key.Matches(msg, k.Dismiss):
			m.closeInput()
		case key.Matches(msg, k.Complete) && m.adding:
			m.input = m.input.complete(workDir())
		case key.Matches(msg, k.Complete):
			m.input = m.input.complete(m.root)
		case key.Matches(msg, k.Apply) && m.adding:
			m.applyAdd()
		case key.Matches(msg, k.Apply):
			m.applyRoot()
		default:
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		return m, nil
	}

	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(msg, k.CloseHelp):
		m.help.ShowAll = false
	case key.Matches(msg, k.QR):
		m.mode = modeQR
	case key.Matches(msg, k.Fingerprint):
		m.mode = modeFingerprint
	case key.Matches(msg, k.Pause):
		if m.paused {
			m.ctrl.Resume()
		} else {
			m.ctrl.Pause()
		}
		m.paused = m.ctrl.Paused()
		if m.paused {
			m.note("paused every transfer")
		} else {
			m.note("resumed the transfers")
		}
	case key.Matches(msg, k.Filter):
		m.mode = modeFilter
		m.focus = panelLog
	case key.Matches(msg, k.ClearFilter):
		m.setFilter("")
	case key.Matches(msg, k.Browse):
		m = m.openBrowser()
	case key.Matches(msg, k.Add):
		return m.openAdd()
	case key.Matches(msg, k.Remove):
		m = m.openRemove()
	case key.Matches(msg, k.Folder):
		m.mode = modeFolder
		var cmd tea.Cmd
		m.input, cmd = m.input.open(m.root)
		return m, cmd
	case key.Matches(msg, k.Listen):
		m.toggleListening()
	case key.Matches(msg, k.Cancel):
		m.cancelSelected()
	case key.Matches(msg, k.History):
		m.toggleInPlace(&m.showHistory)
	case key.Matches(msg, k.Messages):
		m.toggleInPlace(&m.showMessages)
	case key.Matches(msg, k.Links):
		m.toggleInPlace(&m.showLinks)
	case key.Matches(msg, k.NewLink):
		return m.openLinkPath()
	case key.Matches(msg, k.Revoke):
		m.revokeSelected()
	case key.Matches(msg, k.Copy):
		if text, ok := m.messageToCopy(); ok {
			m.setStatus("copied the text from " + transfer.Printable(text.Client) + " to the clipboard")
			return m, tea.SetClipboard(text.Text)
		}
		if u, ok := m.urls.target(); ok {
			m.setStatus("copied " + transfer.Printable(u) + " to the clipboard")
			return m, tea.SetClipboard(u)
		}
	case key.Matches(msg, k.Uploads):
		was := m.uploads
		if err := m.ctrl.SetUploads(!m.uploads); err != nil {
			m.setError(err)
		}
		m.uploads = m.ctrl.Uploads()
		switch {
		case m.uploads && !was:
			m.note("uploads on")
		case !m.uploads && was:
			m.note("uploads off")
		}
	case key.Matches(msg, k.Allow, k.Deny):
		m.answerAsk(key.Matches(msg, k.Allow))
	case key.Matches(msg, k.Secret):
		m.ctrl.NewSecret()
		m.refresh()
		// Whole here, where the URL panel may have to cut it: people read
		// it out or type it.
		text := "new secret link: the old one no longer works"
		if u, ok := m.urls.selected(); ok {
			text = "new secret link " + transfer.Printable(u.URL) + " (the old one no longer works)"
		}
		m.setStatus(text)
	case key.Matches(msg, k.Throttle):
		return m.openThrottle()
	case key.Matches(msg, k.Kick):
		m.kickSelected()
	case key.Matches(msg, k.Block):
		m.blockSelected()
	case key.Matches(msg, k.Unblock):
		m.unblockSelected()
	case key.Matches(msg, k.RateUp, k.RateDown):
		cmd := m.changeRate(key.Matches(msg, k.RateUp))
		return m, cmd
	case key.Matches(msg, k.NextPanel):
		m.focus = (m.focus + 1) % numPanels
	case key.Matches(msg, k.PrevPanel):
		m.focus = (m.focus + numPanels - 1) % numPanels
	default:
		var cmd tea.Cmd
		m, cmd = m.panelKey(m.focus, msg)
		return m, cmd
	}
	return m, nil
}

// quit ends the program, or asks first while transfers run.
func (m Model) quit() (Model, tea.Cmd) {
	if n := m.transfers.active(); n > 0 {
		m.mode = modeConfirmQuit
		return m, nil
	}
	m.exit = ExitQuit
	return m, tea.Quit
}

// applyRoot asks the server to serve the typed folder. A refused folder
// keeps the input open with the reason; the old folder is still served.
func (m *Model) applyRoot() {
	v := m.input.value()
	if v == "" {
		m.input.fail(fmt.Errorf("type a folder to serve"))
		return
	}
	dir := resolveDir(v, m.root)
	if err := m.ctrl.SetRoot(dir); err != nil {
		m.input.fail(err)
		return
	}
	m.closeInput()
	m.refresh()
	m.dropDeadPin()
	m.setStatus("now serving " + transfer.Printable(m.root))
	m.note("now serving " + m.root)
}

func (m *Model) toggleListening() {
	var err error
	if m.listening {
		err = m.ctrl.Stop()
	} else {
		err = m.ctrl.Start()
	}
	m.refresh()
	switch {
	case err != nil && m.listening:
		m.setError(err)
		m.note("could not stop listening: " + err.Error())
		return
	case err != nil:
		m.setError(err)
		m.note("could not listen again: " + err.Error())
		return
	case m.listening:
		m.setStatus("listening again")
	case m.transfers.active() > 0:
		m.setStatus("stopped listening; running transfers may finish")
	default:
		m.setStatus("stopped listening")
	}
	m.note(m.status.text)
}

func (m *Model) cancelSelected() {
	r, ok := m.transfers.selected()
	if !ok || r.State != transfer.Active {
		return
	}
	name := transfer.Printable(r.Path)
	if m.ctrl.Cancel(r.ID) {
		m.setStatus("cancelling " + name)
		m.note("cancelled " + r.Client + "'s " + r.Kind.String() + " of " + r.Path)
	} else {
		m.setStatus(name + " had already ended")
	}
}

// sync brings derived state up to date after every message: which keys
// apply, the header, the panels' focus and sizes.
func (m *Model) sync() {
	m.keysFor = m.keyState()
	m.keys = m.keys.forState(m.keysFor)

	m.header.root = m.root
	m.header.uploads = m.uploads
	m.header.listening = m.listening
	m.header.paused = m.paused
	m.header.uptime = m.now().Sub(m.started)
	m.header.active = m.transfers.active()

	m.transfers.paused = m.paused
	m.transfers.endedCount = m.history.count
	m.history.focused = m.focus == panelTransfers
	m.messages.focused = m.focus == panelTransfers
	m.links.focused = m.focus == panelTransfers
	m.clients.paused = m.paused
	m.urls.focused = m.focus == panelURLs
	m.transfers.focused = m.focus == panelTransfers
	m.clients.focused = m.focus == panelClients
	m.log.focused = m.focus == panelLog

	m.layout()
}

func (m Model) keyState() keyState {
	r, ok := m.transfers.selected()
	_, hasURL := m.urls.selected()
	_, hasText := m.messageToCopy()
	client, hasClient := m.selectedClient()
	selLink, _ := m.links.selected()
	return keyState{
		client:      hasClient,
		secret:      m.secret,
		asking:      len(m.asks) > 0,
		blocked:     hasClient && m.clients.marks[client] == "blocked",
		prompt:      m.prompt.what,
		mode:        m.mode,
		paused:      m.paused,
		listening:   m.listening,
		uploads:     m.uploads,
		canCancel:   m.focus == panelTransfers && !m.showHistory && !m.showMessages && !m.showLinks && ok && r.State == transfer.Active,
		links:       m.showLinks && m.focus == panelTransfers,
		canRevoke:   m.focus == panelTransfers && m.showLinks && (selLink.State == "live" || selLink.State == "removed"), // removed: it may come back
		history:     m.showHistory,
		messages:    m.showMessages,
		hasMessages: len(m.messages.rows) > 0,
		canShare:    m.sharer() != nil,
		canBrowse:   m.browser() != nil,
		items:       len(m.shared),
		oneFolder:   m.sharer() == nil || len(m.shared) == 1 && m.shared[0].Dir,
		adding:      m.adding,
		canCopy:     hasURL || hasText,
		tls:         m.header.fingerprint != "",
		filtered:    m.filter != "",
		showAllHelp: m.help.ShowAll,
	}
}

// messageToCopy is the text `c` copies: the selected one while the
// messages panel shows and has the focus.
func (m Model) messageToCopy() (transfer.Message, bool) {
	if !m.showMessages || m.focus != panelTransfers {
		return transfer.Message{}, false
	}
	return m.messages.selected()
}

// closeInput closes the path input, whichever it was for.
func (m *Model) closeInput() {
	m.input.close()
	m.mode, m.adding = modeMain, false
}

var errEmptyPath = errors.New("type a path to share")
