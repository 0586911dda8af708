package tui

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

func message(client, text string) transfer.Event {
	return transfer.Event{Kind: transfer.EventMessage, Message: &transfer.Message{Time: t0, Client: client, Text: text}}
}

// TestMessages: a text a client sent shows in the messages panel (`m`)
// with its time and sender, escaped; `c` copies the selected one as sent.
func TestMessages(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 100, 30)
	if m.keys.Messages.Enabled() {
		t.Error("m is offered before any text came")
	}
	evil := "first line\nsecond \x1b[31mred\x1b]0;title\a"
	m = update(t, m, events(message("10.0.0.7", "wifi: hunter2")))
	if one := ansi.Strip(update(t, m, press("m")).View().Content); !strings.Contains(one, "Messages 1 text ·") {
		t.Errorf("one text: want \"1 text\" in\n%s", one)
	}
	m = update(t, m, events(message("10.0.0.9", evil)))
	if !m.keys.Messages.Enabled() || !strings.Contains(m.status.text, "a text from 10.0.0.9") {
		t.Fatalf("after two texts: m enabled %v, status %q", m.keys.Messages.Enabled(), m.status.text)
	}
	m = update(t, m, press("m"))
	view := m.View().Content
	if strings.Contains(view, "\x1b[31mred") || strings.Contains(view, "\x1b]0;") || strings.Contains(view, "\a") {
		t.Errorf("a control character of the text reached the screen:\n%q", view)
	}
	plain := ansi.Strip(view)
	for _, want := range []string{"Messages", "2 texts", t0.Format("15:04:05") + " 10.0.0.9", `first line ⏎ second \x1b[31mred`, "10.0.0.7        wifi: hunter2"} {
		if !strings.Contains(plain, want) {
			t.Errorf("messages panel: want %q in\n%s", want, plain)
		}
	}
	for _, tt := range []struct {
		keys []string
		want string
	}{{nil, evil}, {[]string{"down"}, "wifi: hunter2"}} {
		mm := update(t, m, func() []tea.Msg {
			var msgs []tea.Msg
			for _, k := range tt.keys {
				msgs = append(msgs, press(k))
			}
			return msgs
		}()...)
		mm, cmd := send(t, mm, press("c"))
		if cmd == nil {
			t.Fatalf("%v c: no command, want the clipboard set", tt.keys)
		}
		if got, want := cmd(), tea.SetClipboard(tt.want)(); !reflect.DeepEqual(got, want) {
			t.Errorf("%v c: clipboard got %#v, want %#v", tt.keys, got, want)
		}
		if !strings.Contains(mm.status.text, "copied the text") {
			t.Errorf("status: got %q", mm.status.text)
		}
	}
	if m = update(t, m, press("m")); m.showMessages {
		t.Error("m again: the messages still show, want the transfers")
	}
}
