package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	qrcode "github.com/skip2/go-qrcode"
)

func TestRenderQRMatchesTheLibrary(t *testing.T) {
	// go-qrcode's own half-block rendering draws light modules as blocks
	// too; with the same margin, ours must match it cell for cell.
	const url = "http://192.168.1.23:8000/"
	q, err := qrcode.New(url, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(q.ToSmallString(false), "\n"), "\n")
	got, err := renderQR(url, 4) // the library's border
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRenderQRSize(t *testing.T) {
	tests := []struct {
		url          string
		wantW, wantH int
	}{
		{"http://10.0.0.7/", 25, 13},              // version 1: 21 modules + 2×2
		{"http://192.168.100.200:65535/", 29, 15}, // version 2
		{"http://[fe80::1c2d:3e4f:5a6b:7c8d]:8000/", 33, 17},
	}
	for _, tt := range tests {
		lines, err := renderQR(tt.url, qrQuiet)
		if err != nil {
			t.Fatal(err)
		}
		bits, err := qrBits(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := qrCells(len(bits), qrQuiet); w != tt.wantW || h != tt.wantH {
			t.Errorf("%s: qrCells got %dx%d, want %dx%d", tt.url, w, h, tt.wantW, tt.wantH)
		}
		if len(lines) != tt.wantH {
			t.Errorf("%s: got %d lines, want %d", tt.url, len(lines), tt.wantH)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != tt.wantW {
				t.Errorf("%s: line %d is %d wide, want %d", tt.url, i, w, tt.wantW)
			}
		}
	}
}
