package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"

	"shareit/transfer"
)

// hundred is docs/bench-tui.sh's load as the TUI sees it: 100 downloads of
// one file by one client, and the frame that moves them all on.
func hundred(step int) eventsMsg {
	var ts []transfer.Snapshot
	var evs eventsMsg
	for i := range 100 {
		s := snap(uint64(i+1), transfer.Download, "127.0.0.1", "/big.bin", 128*mib, int64(step+i)*mib/4, 25*mib)
		s.Port = 40000 + i
		ts = append(ts, s)
		if step == 0 {
			evs = append(evs, started(s))
		}
	}
	cs := []transfer.ClientStats{{Addr: "127.0.0.1", Active: 100, Bytes: int64(step) * 100 * mib / 4, Speed: 2500 * mib, Done: int64(step) * 100 * mib / 4, Total: 100 * 128 * mib}}
	return append(evs, frame(false, ts, cs))
}

// BenchmarkRedraw100 is one redraw under docs/bench-tui.sh's load at
// 120x40: a progress frame's Update, the View, and the renderer's drawing
// of it into its cell buffer. ns/op times five is the CPU a second the
// live view takes from the transfers.
func BenchmarkRedraw100(b *testing.B) {
	for _, part := range []string{"update", "view", "draw"} {
		b.Run(part, func(b *testing.B) {
			m := New(newFakeCtrl(), nil, Options{})
			next, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			next, _ = next.(Model).Update(hundred(0))
			m = next.(Model)
			frames := []eventsMsg{hundred(1), hundred(2)}
			buf := uv.NewScreenBuffer(120, 40)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				next, _ = m.Update(frames[i%2])
				m = next.(Model)
				if part == "update" {
					continue
				}
				v := m.View()
				if part == "view" {
					continue
				}
				buf.Clear()
				uv.NewStyledString(v.Content).Draw(buf, buf.Bounds())
			}
		})
	}
}
