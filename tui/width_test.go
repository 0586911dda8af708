package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// cells agrees with ansi.StringWidth on what the panels hold and on what
// it must hand over.
func TestCells(t *testing.T) {
	for _, s := range []string{
		"", "plain ascii", "\x1b[1;38;5;5m▸ Transfers\x1b[m 3 running", "██░░ 41% · 2.6/6.4 GB",
		"› 10.0.0.9 … ✓ used — ×4 parts ↑/↓ • ✗ ● ▏", "日本語", "e\u0301", "a\u200db", "👍🏽", "✓\ufe0f",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1b[", "\x1b[31", "tab\there", "\x07bell", "─\u0301",
		"ascii then 日本", "\xff\xfe bad utf-8",
	} {
		if got, want := cells(s), ansi.StringWidth(s); got != want {
			t.Errorf("cells(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	}
}

func FuzzCells(f *testing.F) {
	for _, s := range []string{"a", "─█", "\x1b[1mx\x1b[m", "…e\u0301", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cells(s), ansi.StringWidth(s); got != want {
			t.Errorf("cells(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	})
}
