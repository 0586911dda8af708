package tui

import (
	"reflect"
	"testing"
)

// TestInkRendersAsLipgloss: an Ink's Render gives what the lipgloss style
// it was made from gives, byte for byte, for the text the panels style.
func TestInkRendersAsLipgloss(t *testing.T) {
	checked := 0
	texts := []string{"", "a", " padded  ", "12.3 MB/s", "日本語 ✓ used", "…", "two\nlines", "a\ttab"}
	for _, dark := range []bool{true, false} {
		st := DefaultStyles(dark)
		groups := reflect.ValueOf(st)
		for g := range groups.NumField() {
			group := groups.Field(g)
			if group.Kind() != reflect.Struct {
				continue
			}
			for f := range group.NumField() {
				if !group.Field(f).CanInterface() {
					continue
				}
				ink, ok := group.Field(f).Interface().(Ink)
				if !ok {
					continue
				}
				name := groups.Type().Field(g).Name + "." + group.Type().Field(f).Name
				checked++
				for _, s := range texts {
					if got, want := ink.Render(s), ink.style.Render(s); got != want {
						t.Errorf("dark %v, %s.Render(%q): got %q, want lipgloss's %q", dark, name, s, got, want)
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d inks, want every one of Styles'", checked)
	}
}
