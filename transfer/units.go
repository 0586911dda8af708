package transfer

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the units ParseSize accepts, in any case: decimal ones
// (1 KB = 1000 B) and binary ones (1 KiB = 1024 B); K, M, G, T alone are
// binary, as in dd and curl.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
}

// ParseSize reads a size such as "100MB", "2GiB", "1.5 GB" or "4096".
func ParseSize(s string) (int64, error) {
	f, unit, ok := splitQuantity(s)
	mul, known := sizeUnits[strings.ToLower(unit)]
	switch {
	case !ok:
		return 0, errors.New("want a size such as 100MB, 2GiB or 4096")
	case !known:
		return 0, errors.New("unknown unit " + strconv.Quote(unit) + ": want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB")
	case f*mul >= math.MaxInt64:
		return 0, errors.New("too large")
	}
	return int64(math.Round(f * mul)), nil
}

// splitQuantity splits "1.5 GB" into 1.5 and "GB": a non-negative decimal
// number, then whatever follows, trimmed. ok is false without a number.
func splitQuantity(s string) (f float64, unit string, ok bool) {
	v := strings.TrimSpace(s)
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(v)
	}
	f, err := strconv.ParseFloat(v[:i], 64)
	return f, strings.TrimSpace(v[i:]), err == nil && i > 0
}
