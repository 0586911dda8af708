package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"shareit/transfer"
)

// Two downloads of one file by one client show their ports; a merged
// Range row says how many parts carry it.
func TestIdenticalDownloadsToldApart(t *testing.T) {
	m, _ := newTest(t, newFakeCtrl(), 100, 30)
	a := snap(1, transfer.Download, "10.0.0.9", "/big.iso", 6*gib, 1*gib, mib)
	a.Port = 50312
	b := snap(2, transfer.Download, "10.0.0.9", "/big.iso", 6*gib, 2*gib, mib)
	b.Port = 50318
	other := snap(3, transfer.Download, "10.0.0.9", "/small.iso", 6*gib, 2*gib, mib)
	other.Port = 50400
	merged := snap(4, transfer.Download, "192.168.1.40", "/a-very-long-name-that-the-column-cuts-short.mkv", 6*gib, 2*gib, mib)
	merged.Parts = 4
	ts := []transfer.Snapshot{a, b, other, merged}
	m = update(t, m, events(started(a), started(b), started(other), started(merged), frame(false, ts, nil)))
	v := ansi.Strip(m.transfers.View())
	for _, want := range []string{"10.0.0.9:50312", "10.0.0.9:50318", "×4 parts"} {
		if !strings.Contains(v, want) {
			t.Errorf("transfers lack %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, ":50400") {
		t.Errorf("a transfer with no twin shows its port:\n%s", v)
	}
}
