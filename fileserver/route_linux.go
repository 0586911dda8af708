package fileserver

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// defaultRoute is what carries the default route: on Linux the interface
// /proc/net/route names for destination 0.0.0.0/0 with the lowest metric,
// which needs no socket; the portable way when that table is unreadable.
func defaultRoute() route {
	f, err := os.Open("/proc/net/route")
	if err != nil {
		return sourceRoute()
	}
	defer f.Close()
	if name := parseRouteTable(bufio.NewScanner(f)); name != "" {
		return route{Iface: name}
	}
	return sourceRoute()
}

// parseRouteTable reads /proc/net/route (a header line, then "Iface
// Destination Gateway Flags RefCnt Use Metric Mask ..." in hex) and returns
// the interface of the default route with the lowest metric, "" for none.
// A VPN that takes all traffic with two half routes (0.0.0.0/1 and
// 128.0.0.0/1) leaves the real default route in place, and it is that one
// a phone beside the computer shares.
func parseRouteTable(sc *bufio.Scanner) string {
	const up = 0x1
	best, bestMetric := "", uint64(1<<63)
	sc.Scan() // the header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || f[1] != "00000000" || f[7] != "00000000" {
			continue
		}
		flags, err1 := strconv.ParseUint(f[3], 16, 32)
		metric, err2 := strconv.ParseUint(f[6], 10, 64)
		if err1 != nil || err2 != nil || flags&up == 0 {
			continue
		}
		if metric < bestMetric {
			best, bestMetric = f[0], metric
		}
	}
	return best
}
