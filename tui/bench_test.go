package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkView is one frame of a busy share at 120x40: what every
// progress frame costs.
func BenchmarkView(b *testing.B) {
	m := New(newFakeCtrl(), nil, Options{})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	next, _ = next.(Model).Update(busy())
	m = next.(Model)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkUpdateFrame is handling one progress frame.
func BenchmarkUpdateFrame(b *testing.B) {
	m := New(newFakeCtrl(), nil, Options{})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	next, _ = next.(Model).Update(busy())
	m = next.(Model)
	ev := busy()
	msg := eventsMsg{ev[9]} // the frame
	b.ReportAllocs()
	for b.Loop() {
		next, _ = m.Update(msg)
		m = next.(Model)
	}
}
