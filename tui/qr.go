package tui

import (
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// qrQuiet is the quiet zone around the code, in modules. The standard asks
// for four; two scan fine from a screen and save rows.
const qrQuiet = 2

// renderQR draws text as a QR code with a margin of quiet modules.
func renderQR(text string, quiet int) ([]string, error) {
	bits, err := qrBits(text)
	if err != nil {
		return nil, err
	}
	return drawQR(bits, quiet), nil
}

// qrBits encodes text as a QR code's modules, true for dark, without a
// margin. Low error correction keeps it small enough for a terminal.
// Encoding costs a millisecond or so: callers encode once and draw the
// modules as often as they need.
func qrBits(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Low)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// qrCells is how many cells wide and lines tall drawQR draws a code of
// modules modules a side with a margin of quiet.
func qrCells(modules, quiet int) (w, h int) {
	n := modules + 2*quiet
	return n, (n + 1) / 2
}

// drawQR draws a code's modules with half blocks, two modules per cell
// stacked vertically. Light modules are drawn as blocks: with the QR style
// (white on black) the code is right on any background, and without colour
// it is right on the usual dark terminal. quiet is the margin in modules.
func drawQR(bits [][]bool, quiet int) []string {
	n, h := qrCells(len(bits), quiet)
	dark := func(x, y int) bool {
		x, y = x-quiet, y-quiet
		if y < 0 || y >= len(bits) || x < 0 || x >= len(bits[y]) {
			return false
		}
		return bits[y][x]
	}
	lines := make([]string, 0, h)
	for y := 0; y < n; y += 2 {
		var b strings.Builder
		for x := range n {
			top := !dark(x, y)
			bottom := y+1 < n && !dark(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}
