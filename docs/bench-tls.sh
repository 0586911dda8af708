#!/usr/bin/env bash
# bench-tls.sh: what does HTTPS cost next to plain HTTP?
#
# Issue 5, point 2. shareit serves one 1 GiB file of random bytes headless on
# 127.0.0.1, once plain (--headless) and once with --tls; curl downloads it
# once alone and five times at once, RUNS times each, alternating. Over TLS
# curl speaks HTTP/2 (ALPN) and, in a third row, HTTP/1.1. It prints every
# run and the medians, in MB/s (10^6 bytes per second): for one download,
# curl's own %{speed_download}; for five, total bytes / wall time from the
# first curl's start to the last one's end.
#
# Plain HTTP sends the file with sendfile, from the page cache to the socket
# without a copy; TLS must read, encrypt (AES-GCM) and write every byte in
# user space, and the client must decrypt it on the same machine, so on
# loopback the two share the CPU. On a real LAN the client's decryption
# runs elsewhere and the wire is usually the limit.
#
#   docs/bench-tls.sh                     # builds bin/shareit if missing
#   SHAREIT_BIN=/path/to/shareit docs/bench-tls.sh
#   RUNS=5 CLIENTS=5 SIZE_MIB=1024 docs/bench-tls.sh
#
# Needs curl (`make deps` installs it). Everything listens on 127.0.0.1.
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
BIN=${SHAREIT_BIN:-bin/shareit}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-5}
SIZE_MIB=${SIZE_MIB:-1024}

if ! command -v curl >/dev/null 2>&1; then
    echo "bench-tls: curl is missing (make deps installs it)" >&2
    exit 2
fi
if [[ ! -x $BIN ]]; then
    echo "bench-tls: building $BIN" >&2
    go build -trimpath -ldflags '-s -w' -o "$BIN" ./cmd/shareit
fi
BIN=$(realpath "$BIN")

WORK=$(mktemp -d -t bench-tls.XXXXXX)
PID=""
cleanup() {
    [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
    rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir "$WORK/share"
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$WORK/share/big.bin"
cat "$WORK/share/big.bin" >/dev/null # into the page cache
SIZE=$((SIZE_MIB << 20))

# serve FLAGS...: start shareit and set URL to the file's URL.
serve() {
    "$BIN" --headless -b 127.0.0.1 -p 0 "$@" "$WORK/share" >"$WORK/out" 2>&1 &
    PID=$!
    for _ in $(seq 100); do
        URL=$(grep -oE 'https?://127\.0\.0\.1:[0-9]+/' "$WORK/out" | head -1 || true)
        [[ -n $URL ]] && break
        sleep 0.1
    done
    [[ -n $URL ]] || { echo "bench-tls: shareit did not start:" >&2; cat "$WORK/out" >&2; exit 2; }
    URL+=big.bin
}

unserve() {
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
}

# one CURLFLAGS...: MB/s of one download.
one() {
    curl -sk -o /dev/null -w '%{speed_download}' "$@" "$URL" | awk '{ printf "%.0f", $1 / 1e6 }'
}

# many CURLFLAGS...: aggregate MB/s of CLIENTS downloads at once.
many() {
    local start end pids=()
    start=$(date +%s.%N)
    for _ in $(seq "$CLIENTS"); do
        curl -sk -o /dev/null "$@" "$URL" &
        pids+=($!)
    done
    wait "${pids[@]}"
    end=$(date +%s.%N)
    awk -v n="$CLIENTS" -v s="$SIZE" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n * s / (b - a) / 1e6 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A results
modes=("http" "https-h2" "https-h1")
for run in $(seq "$RUNS"); do
    for mode in "${modes[@]}"; do
        case $mode in
        http) serve; flags=() ;;
        https-h2) serve --tls; flags=(--http2) ;;
        https-h1) serve --tls; flags=(--http1.1) ;;
        esac
        o=$(one "${flags[@]}")
        m=$(many "${flags[@]}")
        unserve
        printf 'run %d  %-9s  1 download: %5s MB/s   %d at once: %5s MB/s\n' "$run" "$mode" "$o" "$CLIENTS" "$m"
        results[$mode.one]+="$o "
        results[$mode.many]+="$m "
    done
done

echo
echo "median of $RUNS runs, ${SIZE_MIB} MiB file, MB/s (10^6 B/s):"
printf '| %-22s | %12s | %12s |\n' "" "1 download" "$CLIENTS at once"
printf '| %-22s | %12s | %12s |\n' "----" "----" "----"
for mode in "${modes[@]}"; do
    label=$mode
    case $mode in
    http) label="HTTP (sendfile)" ;;
    https-h2) label="HTTPS, HTTP/2" ;;
    https-h1) label="HTTPS, HTTP/1.1" ;;
    esac
    o=$(tr ' ' '\n' <<<"${results[$mode.one]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${results[$mode.many]}" | grep . | median)
    printf '| %-22s | %12s | %12s |\n' "$label" "$o" "$m"
done
