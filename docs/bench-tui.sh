#!/usr/bin/env bash
# bench-tui.sh: does the live view slow transfers down?
#
# Issue 3, point 2: with the TUI running in tmux, five concurrent downloads
# of a 1 GiB file reach at least 0.95 of the headless throughput in the same
# run. This script measures both: shareit headless, then shareit with its TUI
# in a detached 120x40 tmux session, each serving the same 1 GiB file to five
# concurrent `curl -s -o /dev/null`, alternating, RUNS times each. It prints
# every run, both medians and their ratio. Throughput is the aggregate: total
# bytes received / wall time from the first curl's start to the last one's
# end, in MB/s (10^6 bytes).
#
# The headless server runs in the same kind of detached tmux session, with
# --headless, so that the TUI is the only difference. Started from this
# script instead, it would share the curls' session, and with the kernel's
# per-session CPU scheduling (sched_autogroup, on by default) that alone
# changes the result by 15-20% on a small machine, TUI or not. On a real
# network the clients run elsewhere and the question does not arise.
#
#   docs/bench-tui.sh                     # builds bin/shareit if missing
#   SHAREIT_BIN=/path/to/shareit docs/bench-tui.sh
#   RUNS=5 CLIENTS=5 SIZE_MIB=1024 IDLE=3 docs/bench-tui.sh
#   CLIENTS=100 SIZE_MIB=128 docs/bench-tui.sh   # 100 active transfers
#
# Before the downloads, each server sits idle for IDLE seconds, and the
# share of a core it used meanwhile is reported too.
#
# Needs curl and tmux (`make deps` installs them). Everything listens on
# 127.0.0.1 only; the tmux server is a private one (-L), never the user's.
# Exit status: 0 when the ratio is at least 0.95, 1 when below, 2 on error.
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
BIN=${SHAREIT_BIN:-bin/shareit}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
IDLE=${IDLE:-3}
WANT=0.95

for tool in curl tmux; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench-tui: $tool is missing (make deps installs it)" >&2
        exit 2
    fi
done
if [[ ! -x $BIN ]]; then
    echo "bench-tui: building $BIN" >&2
    go build -trimpath -ldflags '-s -w' -o "$BIN" ./cmd/shareit
fi
BIN=$(realpath "$BIN")

WORK=$(mktemp -d -t bench-tui.XXXXXX)
# One private tmux server per run: a new one might otherwise race the
# previous one's exit on the same socket.
RUN=0
SOCKET=bench-tui-$$-$RUN
# stop_tmux: ends the run's tmux server, and removes the socket it leaves.
stop_tmux() {
    local sock
    sock=$(tmux -L "$SOCKET" display-message -p '#{socket_path}' 2>/dev/null || true)
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [[ -n $sock ]]; then rm -f -- "$sock"; fi
}
cleanup() {
    stop_tmux
    rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir "$WORK/share"
echo "bench-tui: writing a $SIZE_MIB MiB file" >&2
# Real bytes, not a sparse file; written once, then read from the page cache.
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$WORK/share/big.bin"
cat "$WORK/share/big.bin" >/dev/null

# port_from: the port of the first 127.0.0.1 URL on stdin.
port_from() {
    grep -o 'http://127\.0\.0\.1:[0-9]*/' | head -n 1 | sed 's/.*:\([0-9]*\)\//\1/'
}

# wait_port COMMAND...: runs COMMAND until its output shows shareit's URL,
# and prints the port.
wait_port() {
    local port
    for _ in $(seq 200); do
        port=$("$@" 2>/dev/null | port_from || true)
        if [[ -n $port ]]; then
            echo "$port"
            return
        fi
        sleep 0.05
    done
    echo "bench-tui: shareit did not start" >&2
    exit 2
}

# download PORT: CLIENTS concurrent downloads; sets MBPS.
download() {
    local port=$1 i start end total=0 n pids=()
    start=$(date +%s.%N)
    for ((i = 0; i < CLIENTS; i++)); do
        curl -s -o /dev/null -w '%{size_download}\n' "http://127.0.0.1:$port/big.bin" >"$WORK/curl.$i" &
        pids+=($!)
    done
    wait "${pids[@]}"
    end=$(date +%s.%N)
    for ((i = 0; i < CLIENTS; i++)); do
        n=$(cat "$WORK/curl.$i")
        if [[ $n -ne $((SIZE_MIB << 20)) ]]; then
            echo "bench-tui: a download got $n bytes, want $((SIZE_MIB << 20))" >&2
            exit 2
        fi
        total=$((total + n))
    done
    MBPS=$(awk -v b="$total" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", b / (e - s) / 1e6 }')
}

# server_pid: the shareit process in the tmux pane.
server_pid() {
    local pid child
    pid=$(tmux -L "$SOCKET" display-message -p -t bench '#{pane_pid}')
    child=$(pgrep -P "$pid" | head -n 1 || true) # when sh did not exec it
    echo "${child:-$pid}"
}

# cpu_ticks PID: user + system CPU time, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run MODE ARGS...: shareit ARGS in a fresh detached tmux session, idle
# for IDLE seconds, then the downloads; sets IDLE_PCT (the share of a core
# it used while idle), MBPS and CPU (the CPU seconds it used downloading).
run() {
    local mode=$1 pid before after idle0
    shift
    RUN=$((RUN + 1))
    SOCKET=bench-tui-$$-$RUN
    tmux -L "$SOCKET" -f /dev/null new-session -d -s bench -x 120 -y 40 \
        "$(printf '%q ' "$BIN" "$@" -b 127.0.0.1 -p 0 "$WORK/share")"
    local port
    port=$(wait_port tmux -L "$SOCKET" capture-pane -p -t bench)
    pid=$(server_pid)
    idle0=$(cpu_ticks "$pid")
    sleep "$IDLE" # measuring a quiet stretch, not waiting for anything
    before=$(cpu_ticks "$pid")
    IDLE_PCT=$(awk -v t=$((before - idle0)) -v hz="$(getconf CLK_TCK)" -v s="$IDLE" 'BEGIN { printf "%.1f", 100 * t / hz / s }')
    download "$port"
    after=$(cpu_ticks "$pid")
    CPU=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
    stop_tmux
    echo "$mode: idle ${IDLE_PCT}% of a core; $MBPS MB/s, shareit used ${CPU}s of CPU" >&2
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

headless=() tui=() headless_cpu=() tui_cpu=() headless_idle=() tui_idle=()
run_headless() {
    run headless --headless
    headless+=("$MBPS") headless_cpu+=("$CPU") headless_idle+=("$IDLE_PCT")
}
run_tui() {
    run tui
    tui+=("$MBPS") tui_cpu+=("$CPU") tui_idle+=("$IDLE_PCT")
}
# Alternating, and in turn first, so that neither mode always runs on the
# heels of the other (ABBA).
for ((r = 1; r <= RUNS; r++)); do
    echo "run $r of $RUNS" >&2
    if ((r % 2)); then
        run_headless
        run_tui
    else
        run_tui
        run_headless
    fi
done

mh=$(printf '%s\n' "${headless[@]}" | median)
mt=$(printf '%s\n' "${tui[@]}" | median)
ratio=$(awk -v t="$mt" -v h="$mh" 'BEGIN { printf "%.3f", t / h }')
# Each run's two measurements are next to each other in time, so their ratio
# is less at the mercy of whatever else the machine does meanwhile.
paired=$(for ((i = 0; i < RUNS; i++)); do
    awk -v t="${tui[i]}" -v h="${headless[i]}" 'BEGIN { printf "%.3f\n", t / h }'
done | median)
echo "$CLIENTS concurrent downloads of a $SIZE_MIB MiB file, $RUNS runs each, on $(nproc) CPUs"
echo "headless runs (MB/s): ${headless[*]}"
echo "tui runs (MB/s):      ${tui[*]}"
echo "headless median: $mh MB/s (shareit CPU, median: $(printf '%s\n' "${headless_cpu[@]}" | median)s)"
echo "tui median:      $mt MB/s (shareit CPU, median: $(printf '%s\n' "${tui_cpu[@]}" | median)s)"
echo "ratio tui/headless: $ratio (want >= $WANT); median of the runs' own ratios: $paired"
echo "idle, share of a core (median over ${IDLE} s): headless $(printf '%s\n' "${headless_idle[@]}" | median)%, tui $(printf '%s\n' "${tui_idle[@]}" | median)%"
awk -v r="$ratio" -v w="$WANT" 'BEGIN { exit !(r >= w) }'
