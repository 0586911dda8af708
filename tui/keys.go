package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the TUI answers to. The model enables only the
// bindings that apply in its current state, so the help shows exactly what
// a key press would do.
type keyMap struct {
	// Main screen.
	Pause  key.Binding
	Folder key.Binding
	Add    key.Binding // share another path beside the others
	Remove key.Binding // stop sharing one of several paths
	Browse key.Binding // browse what is shared, for any item's link and code

	// Browser.
	BrowseIn    key.Binding
	BrowseUp    key.Binding
	BrowseClose key.Binding
	Listen      key.Binding
	Cancel      key.Binding
	History     key.Binding // the ended transfers in place of the running ones
	Messages    key.Binding // the texts clients sent, in place of the running transfers
	Copy        key.Binding
	Uploads     key.Binding
	RateUp      key.Binding // raise the per-client cap (Model.changeRate)
	RateDown    key.Binding
	// In the clients panel, for the selected client.
	Throttle key.Binding
	Kick     key.Binding
	Block    key.Binding
	Unblock  key.Binding
	Secret   key.Binding // a new secret token (--secret)
	Allow    key.Binding // let in the device waiting (--ask)
	Deny     key.Binding
	Links    key.Binding // the limited links in the transfers' place
	NewLink  key.Binding // in the links list
	Revoke   key.Binding

	NextPanel key.Binding
	PrevPanel key.Binding
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Top       key.Binding
	Bottom    key.Binding
	Help      key.Binding
	Quit      key.Binding
	Filter    key.Binding // type a filter for the log
	// ClearFilter shows every log line again.
	ClearFilter key.Binding
	QR          key.Binding // the selected URL's code, full screen
	Fingerprint key.Binding // the TLS certificate's fingerprint, full screen
	CloseHelp   key.Binding // esc closes the full help

	// Full-screen code and fingerprint.
	Close key.Binding

	// Log filter input.
	FilterApply key.Binding
	FilterClear key.Binding

	// Folder input.
	Interrupt key.Binding // ctrl+c still quits while typing
	Complete  key.Binding
	Apply     key.Binding
	Dismiss   key.Binding

	// Quit confirmation.
	Yes   key.Binding
	No    key.Binding
	Force key.Binding
}

// DefaultKeyMap returns the TUI's key bindings.
func DefaultKeyMap() keyMap {
	return keyMap{
		Pause:       key.NewBinding(key.WithKeys("p", "space"), key.WithHelp("p", "pause")),
		Folder:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "folder")),
		Add:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add path")),
		Remove:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "remove path")),
		Browse:      key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "browse · links")),
		BrowseIn:    key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", "open")), // not l: a limited link
		BrowseUp:    key.NewBinding(key.WithKeys("left", "backspace", "h"), key.WithHelp("←", "up")),
		BrowseClose: key.NewBinding(key.WithKeys("esc", "b"), key.WithHelp("esc", "close")),
		Listen:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stop")),
		Cancel:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel")),
		History:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Messages:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "messages")),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Uploads:     key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "uploads on")),
		RateUp:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "raise rate cap")),
		RateDown:    key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "lower rate cap")),
		Throttle:    key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "throttle client")),
		Kick:        key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "kick client")),
		Block:       key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "block client")),
		Unblock:     key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "unblock client")),
		Secret:      key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "new secret link")),
		Allow:       key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "allow device")),
		Deny:        key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "deny device")),
		Links:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "links")),
		NewLink:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new link")),
		Revoke:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke link")),
		NextPanel:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "panel")),
		PrevPanel:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev panel")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last · follow log")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter log")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		QR:          key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "QR code")),
		Fingerprint: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fingerprint")),
		CloseHelp:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close help")),

		// v and f close what they opened; q too, rather than quit from a
		// screen that shows no running transfer.
		Close: key.NewBinding(key.WithKeys("esc", "q", "v", "f"), key.WithHelp("esc", "close")),

		FilterApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		FilterClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Complete:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Apply:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "serve it")),
		Dismiss:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		Yes:   key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "quit")),
		No:    key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "keep serving")),
		Force: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "force quit")),
	}
}

// ShortHelp is the footer: the keys people reach for.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.Allow, k.Deny,
		k.Pause, k.Folder, k.Listen, k.Cancel, k.Copy, k.Quit, k.Help, k.NextPanel,
		k.ClearFilter, k.Throttle, k.Kick, k.Block, k.Unblock, k.NewLink, k.Revoke,
		k.Close,
		k.Complete, k.Apply, k.Dismiss,
		k.BrowseIn, k.BrowseUp, k.BrowseClose,
		k.FilterApply, k.FilterClear,
		k.Yes, k.No, k.Force,
	}
}

// FullHelp is what `?` shows, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextPanel, k.PrevPanel, k.Cancel, k.History, k.Messages, k.Copy, k.QR, k.Fingerprint},
		{k.Pause, k.Listen, k.Folder, k.Add, k.Remove, k.Browse, k.Uploads, k.RateUp, k.RateDown},
		{k.Filter, k.ClearFilter, k.Help, k.CloseHelp, k.Quit},
		{k.Throttle, k.Kick, k.Block, k.Unblock, k.Secret, k.Allow, k.Deny},
		{k.Links, k.NewLink, k.Revoke},
		{k.Complete, k.Apply, k.Dismiss},
		{k.FilterApply, k.FilterClear},
		{k.Yes, k.No, k.Force},
	}
}

// keyState is what decides which bindings apply.
type keyState struct {
	mode        mode
	paused      bool
	listening   bool
	uploads     bool
	canCancel   bool // a running transfer is selected
	canCopy     bool // there is a URL to copy
	client      bool // a client is selected in the focused clients panel
	blocked     bool // and it is blocked
	secret      bool // URLs carry a secret token
	asking      bool // a device waits to be let in
	links       bool // the links list shows
	canRevoke   bool // a live (or removed) link is selected in it
	tls         bool // there is a fingerprint to show
	history     bool // the history shows in place of the running transfers
	messages    bool // the messages show in place of the running transfers
	hasMessages bool // a client sent a text
	adding      bool // the input is for a path to share too
	canShare    bool // what is shared can change live (Sharer)
	canBrowse   bool // what is shared can be browsed (Browser)
	items       int  // how many paths are shared
	oneFolder   bool // one folder is shared: d changes it
	filtered    bool // the log is filtered
	showAllHelp bool
	prompt      promptFor // what the open prompt asks for (modePrompt)
}

// forState returns k with bindings enabled and labelled for s.
func (k keyMap) forState(s keyState) keyMap {
	main := s.mode == modeMain
	for _, b := range []*key.Binding{
		&k.Pause, &k.Folder, &k.Listen, &k.Cancel, &k.History, &k.Messages, &k.Copy, &k.Uploads, &k.RateUp, &k.RateDown,
		&k.NextPanel, &k.PrevPanel, &k.Up, &k.Down, &k.PageUp, &k.PageDown,
		&k.Top, &k.Bottom, &k.Help, &k.Quit, &k.Filter,
	} {
		b.SetEnabled(main)
	}
	// esc closes the full help first, then clears the filter.
	k.CloseHelp.SetEnabled(main && s.showAllHelp)
	k.ClearFilter.SetEnabled(main && s.filtered && !s.showAllHelp)
	k.QR.SetEnabled(main && s.canCopy)
	k.Fingerprint.SetEnabled(main && s.tls)
	screen := s.mode == modeQR || s.mode == modeFingerprint
	k.Close.SetEnabled(screen)
	filter := s.mode == modeFilter
	k.FilterApply.SetEnabled(filter)
	k.FilterClear.SetEnabled(filter)
	k.Cancel.SetEnabled(main && s.canCancel)
	k.Copy.SetEnabled(main && s.canCopy)
	k.Secret.SetEnabled(main && s.secret)
	k.Links.SetEnabled(main)
	k.NewLink.SetEnabled(main && s.links)
	k.Revoke.SetEnabled(main && s.links && s.canRevoke)
	if s.links {
		k.Links.SetHelp("L", "back")
	} else {
		k.Links.SetHelp("L", "links")
	}
	k.Allow.SetEnabled(main && s.asking)
	k.Deny.SetEnabled(main && s.asking)
	k.Throttle.SetEnabled(main && s.client)
	k.Kick.SetEnabled(main && s.client)
	k.Block.SetEnabled(main && s.client && !s.blocked)
	k.Unblock.SetEnabled(main && s.client && s.blocked)
	if s.paused {
		k.Pause.SetHelp("p", "resume")
	} else {
		k.Pause.SetHelp("p", "pause")
	}
	if s.listening {
		k.Listen.SetHelp("s", "stop")
	} else {
		k.Listen.SetHelp("s", "start")
	}
	if s.uploads {
		k.Uploads.SetHelp("u", "uploads off")
	} else {
		k.Uploads.SetHelp("u", "uploads on")
	}
	k.Add.SetEnabled(main && s.canShare)
	k.Browse.SetEnabled(main && s.canBrowse)
	browse := s.mode == modeBrowse
	k.BrowseIn.SetEnabled(browse)
	k.BrowseUp.SetEnabled(browse)
	k.BrowseClose.SetEnabled(browse)
	k.Remove.SetEnabled(main && s.canShare && s.items > 1)
	k.Folder.SetEnabled(main && s.oneFolder)
	// Only once a text came: until then there is nothing to show.
	k.Messages.SetEnabled(main && (s.messages || s.hasMessages))
	if s.messages {
		k.Messages.SetHelp("m", "running")
	} else {
		k.Messages.SetHelp("m", "messages")
	}
	if s.history {
		k.History.SetHelp("h", "running")
	} else {
		k.History.SetHelp("h", "history")
	}
	if s.showAllHelp {
		k.Help.SetHelp("?", "less")
	} else {
		k.Help.SetHelp("?", "more")
	}

	input := s.mode == modeFolder
	picking := s.mode == modeRemove
	prompt := s.mode == modePrompt
	k.Interrupt.SetEnabled(input || filter || picking || prompt || screen || s.mode == modeBrowse)
	k.Complete.SetEnabled(input || prompt && s.prompt == promptLinkPath)
	k.Apply.SetEnabled(input || picking || prompt)
	k.Dismiss.SetEnabled(input || picking || prompt)
	switch {
	case prompt:
		k.Apply.SetHelp("enter", "apply")
	case picking:
		k.Apply.SetHelp("enter", "stop sharing it")
	case s.adding:
		k.Apply.SetHelp("enter", "share it")
	default:
		k.Apply.SetHelp("enter", "serve it")
	}

	confirm := s.mode == modeConfirmQuit
	k.Yes.SetEnabled(confirm)
	k.No.SetEnabled(confirm)
	k.Force.SetEnabled(confirm)
	return k
}
