package main

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// uploadOptions are the flags for uploads: off unless asked for.
type uploadOptions struct {
	on  bool
	max int64 // bytes; 0 = no limit
}

func addUploadFlags(fs *pflag.FlagSet, u *uploadOptions) {
	fs.BoolVarP(&u.on, "upload", "u", false, "accept uploads: the page's form with drag and drop, curl -F file=@x, curl -T x (u toggles them in the TUI)")
	fs.Var(sizeFlag{&u.max}, "max-upload", "the largest upload accepted, e.g. 100MB or 2GiB (default: no limit)")
}

// sizeFlag is a flag that holds a size in bytes, parsed as it is set, so a
// bad value is reported the way pflag reports a bad number.
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil || *f.n == 0 {
		return ""
	}
	return strconv.FormatInt(*f.n, 10)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}

func (sizeFlag) Type() string { return "SIZE" }

// sizeUnits are the units parseSize accepts, in any case: decimal ones
// (1 KB = 1000 B) and binary ones (1 KiB = 1024 B); K, M, G, T alone are
// binary, as in dd and curl.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
}

// parseSize reads a size such as "100MB", "2GiB", "1.5 GB" or "4096".
func parseSize(s string) (int64, error) {
	v := strings.TrimSpace(s)
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(v)
	}
	num, unit := v[:i], strings.ToLower(strings.TrimSpace(v[i:]))
	f, err := strconv.ParseFloat(num, 64)
	mul, ok := sizeUnits[unit]
	switch {
	case err != nil || i == 0:
		return 0, errors.New("want a size such as 100MB, 2GiB or 4096")
	case !ok:
		return 0, errors.New("unknown unit " + strconv.Quote(strings.TrimSpace(v[i:])) + ": want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB")
	case f*mul >= math.MaxInt64:
		return 0, errors.New("too large")
	}
	return int64(math.Round(f * mul)), nil
}
