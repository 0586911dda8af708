package tui

import (
	"math"
	"strconv"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Sizes and speeds are in decimal units, 1 KB = 1000 B, the units of the
// --rate cap and of its `+`/`-` ladder: a client capped at 2 MB/s shows
// 2.0 MB/s, not 1.9 of something else.
const unitBase = 1000

// unitName names the power of 1000 i.
func unitName(i int) string {
	switch i {
	case 0:
		return "B"
	case 1:
		return "KB"
	case 2:
		return "MB"
	case 3:
		return "GB"
	case 4:
		return "TB"
	case 5:
		return "PB"
	}
	return "EB"
}

// formatBytes renders n as "512 B", "12.3 MB", "640 GB": at most three
// significant digits, so columns stay narrow.
func formatBytes(n int64) string {
	if n < unitBase {
		return strconv.FormatInt(max(n, 0), 10) + " B"
	}
	v, u := splitUnit(n)
	return formatValue(v) + " " + unitName(u)
}

// splitUnit returns n in its largest unit below 1000 and that unit's index.
func splitUnit(n int64) (float64, int) {
	v, u := float64(max(n, 0)), 0
	for v >= unitBase && u < 6 {
		v /= unitBase
		u++
	}
	return v, u
}

// valueW is the widest formatValue: "99.9", "999".
const valueW = 4

// formatValue uses one decimal below 100 ("12.3") and none above ("512"),
// truncating rather than rounding so 999.96 never shows as "1000".
func formatValue(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(float64(int64(v*10))/10, 'f', 1, 64)
	}
	return strconv.FormatInt(int64(v), 10)
}

// formatProgress renders "bytes of total" in the total's unit, the bytes
// right-aligned in a field of fixed width, so a row keeps its width as it
// grows: " 9.9/20.0 MB", "10.0/20.0 MB", "  0.5/2.8 GB"; just the bytes
// when the total is unknown (negative).
func formatProgress(done, total int64) string {
	if total < 0 {
		return formatBytes(done)
	}
	if total < unitBase {
		return padLeft(strconv.FormatInt(max(done, 0), 10), 3) + "/" + formatBytes(total)
	}
	tv, tu := splitUnit(total)
	dv := float64(max(done, 0)) / math.Pow(unitBase, float64(tu))
	return padLeft(formatValue(dv), valueW) + "/" + formatValue(tv) + " " + unitName(tu)
}

// formatSpeed renders bytes per second: "12.3 MB/s".
func formatSpeed(bps float64) string {
	if bps < 1 {
		return "0 B/s"
	}
	return formatBytes(int64(bps)) + "/s"
}

// formatCap renders a rate cap in the units of the speeds, with up to two
// decimals: "2 MB/s", "100 KB/s", and "1.57 MB/s" for --rate 1.5MiB/s.
func formatCap(bps int64) string {
	if bps <= 0 {
		return "off"
	}
	v, u := splitUnit(bps)
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " " + unitName(u) + "/s"
}

// formatDuration renders a duration with its two largest units: "45s",
// "12m05s", "3h04m", "2d03h". Negative durations render as "--".
func formatDuration(d time.Duration) string {
	if d < 0 {
		return "--"
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m" + pad2(s%60) + "s"
	case s < 86400:
		return strconv.FormatInt(s/3600, 10) + "h" + pad2(s%3600/60) + "m"
	default:
		return strconv.FormatInt(s/86400, 10) + "d" + pad2(s%86400/3600) + "h"
	}
}

// formatETA is formatDuration for the transfers' ETA column: anything
// beyond "99d23h" (a stalled client's guess) is "--", so it fits etaW.
func formatETA(d time.Duration) string {
	if d >= 100*24*time.Hour {
		return "--"
	}
	return formatDuration(d)
}

func itoa(n int) string { return strconv.Itoa(n) }

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// formatPercent renders a fraction as a whole percentage that never rounds
// up: only a finished transfer may say 100%.
func formatPercent(f float64, finished bool) string {
	if f < 0 {
		return "--"
	}
	if finished {
		return "100%"
	}
	return strconv.Itoa(min(int(f*100), 99)) + "%"
}

// plural renders "1 client", "2 clients".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// truncate cuts s to at most w cells, ending in "…" when it had to cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if cells(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// truncateLeft cuts s to at most w cells from the left, starting with "…":
// the end of a path says more than its beginning.
func truncateLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := cells(s)
	if sw <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, sw-w+1, "")
}

// padRight pads s with spaces to w cells (s must not be wider).
func padRight(s string, w int) string {
	if n := w - cells(s); n > 0 {
		return s + spaces(n)
	}
	return s
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if n := w - cells(s); n > 0 {
		return spaces(n) + s
	}
	return s
}

// fitCell truncates then pads s to exactly w cells.
func fitCell(s string, w int) string { return padRight(truncate(s, w), w) }

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
