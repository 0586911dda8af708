package transfer

import "strings"

// Access actions: what the person at the terminal, or the server on its
// behalf, decided about a client. Each is logged with its time.
const (
	ActionAllow    = "allow"
	ActionDeny     = "deny"
	ActionAsk      = "ask"
	ActionBlock    = "block"
	ActionUnblock  = "unblock"
	ActionKick     = "kick"
	ActionThrottle = "throttle"
	ActionBackoff  = "backoff"
	ActionSecret   = "secret"
	ActionLink     = "link"
	ActionDrop     = "drop"
)

// Access publishes an access decision about client as a notice that says
// text, stamped with its time; subscribers see Client and Action too.
func (t *Tracker) Access(client, action, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.publish(Event{Kind: EventNotice, Text: text, Time: t.now(), Client: client, Action: action})
}

// CancelClient cancels every active transfer of client, as Cancel does one,
// and returns how many it cancelled.
func (t *Tracker) CancelClient(client string) int {
	t.mu.Lock()
	var ids []uint64
	for id, x := range t.active {
		if x.key.client == client && !x.canceled.Load() {
			ids = append(ids, id)
		}
	}
	t.mu.Unlock()
	n := 0
	for _, id := range ids {
		if t.Cancel(id) {
			n++
		}
	}
	return n
}

// blockedText is the summary's line of blocked clients, "" for none.
func blockedText(blocked []string) string {
	if len(blocked) == 0 {
		return ""
	}
	quoted := make([]string, len(blocked))
	for i, b := range blocked {
		quoted[i] = Printable(b)
	}
	return "  blocked: " + strings.Join(quoted, ", ") + "\n"
}
