package tui

import (
	"strconv"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// unitName names the power of 1024 i: sizes use binary units, 1 KiB =
// 1024 B.
func unitName(i int) string {
	switch i {
	case 0:
		return "B"
	case 1:
		return "KiB"
	case 2:
		return "MiB"
	case 3:
		return "GiB"
	case 4:
		return "TiB"
	case 5:
		return "PiB"
	}
	return "EiB"
}

// formatBytes renders n as "512 B", "12.3 MiB", "640 GiB": at most three
// significant digits, so columns stay narrow.
func formatBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(max(n, 0), 10) + " B"
	}
	v, u := splitUnit(n)
	return formatValue(v) + " " + unitName(u)
}

// splitUnit returns n in its largest unit below 1024 and that unit's index.
func splitUnit(n int64) (float64, int) {
	v, u := float64(n), 0
	for v >= 1024 && u < 6 {
		v /= 1024
		u++
	}
	return v, u
}

// formatValue uses one decimal below 100 ("12.3") and none above ("512"),
// truncating rather than rounding so 1023.96 never shows as "1024".
func formatValue(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(float64(int64(v*10))/10, 'f', 1, 64)
	}
	return strconv.FormatInt(int64(v), 10)
}

// formatProgress renders "bytes of total": "1.2/2.8 GiB" when both share a
// unit, "512 KiB/2.8 GiB" when not, and just the bytes when the total is
// unknown (negative).
func formatProgress(done, total int64) string {
	if total < 0 {
		return formatBytes(done)
	}
	if done >= 1024 && total >= 1024 {
		dv, du := splitUnit(done)
		tv, tu := splitUnit(total)
		if du == tu {
			return formatValue(dv) + "/" + formatValue(tv) + " " + unitName(tu)
		}
	}
	return formatBytes(done) + "/" + formatBytes(total)
}

// formatSpeed renders bytes per second: "12.3 MiB/s".
func formatSpeed(bps float64) string {
	if bps < 1 {
		return "0 B/s"
	}
	return formatBytes(int64(bps)) + "/s"
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
	if ansi.StringWidth(s) <= w {
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
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, sw-w+1, "")
}

// padRight pads s with spaces to w cells (s must not be wider).
func padRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + spaces(n)
	}
	return s
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
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
