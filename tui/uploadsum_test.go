package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// TestUploadSumShown: a finished upload's row shows the start of its
// SHA-256 where a running one shows its time left.
func TestUploadSumShown(t *testing.T) {
	up := snap(7, transfer.Upload, "192.168.1.20", "/in/photo.jpg", 3*mib, 3*mib, 0)
	up.Sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	m, _ := newTest(t, newFakeCtrl(), 100, 24)
	m = update(t, m, events(started(up), ended(up, transfer.Finished)))
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "done 9f86d0") {
		t.Errorf("the finished upload's row shows no digest:\n%s", view)
	}
}
