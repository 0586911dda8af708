#!/usr/bin/env bash
# docs/bench-builds.sh: the default and the portable builds side by side in
# ../shared/bench, ROUNDS rounds (default 5) that alternate the builds, each
# round nginx beside one build; prints the median ratio to nginx of each
# scenario and its range over the rounds (one run is not evidence: single-
# stream and parallel-range ratios swing by ±25% from run to run on 2 cores).
#   docs/bench-builds.sh                       # HEAD's default and portable builds
#   BUILDS="default portable old" OLD=/path/to/shareit docs/bench-builds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
ROUNDS=${ROUNDS:-5}
BUILDS=(${BUILDS:-default portable})
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/shareit-default" ./cmd/shareit
go build -trimpath -tags portable -o "$work/shareit-portable" ./cmd/shareit
[ -n "${OLD:-}" ] && cp "$OLD" "$work/shareit-old"
for r in $(seq 1 "$ROUNDS"); do
    n=${#BUILDS[@]}
    for k in $(seq 0 $((n - 1))); do
        b=${BUILDS[$(((k + r) % n))]}
        echo "round $r of $ROUNDS: $b" >&2
        SHAREIT_BIN=$work/shareit-$b BENCH_OUT=$work/$b-$r.json \
            "$SHARED/bench/run.sh" nginx shareit > "$work/$b-$r.md" 2> "$work/$b-$r.err"
    done
done
python3 - "$work" "${BUILDS[@]}" <<'PY'
import glob, json, os, statistics, sys
work, builds = sys.argv[1], sys.argv[2:]
cols = ["S1 5×big", "S2 1×big", "S3 small req/s", "S3 p99", "S4 listing req/s", "S5 peak RSS", "S6 50×range"]
def ratios(path):
    # The harness's Markdown ratio table: the shareit row, in its column order.
    txt = open(path).read()
    part = txt[txt.index("Ratio vs nginx"):]
    row = next(l for l in part.splitlines() if l.startswith("| shareit |"))
    v = [c.strip() for c in row.strip("|").split("|")][1:]
    # S1 MB/s, S1 wall, S2, S3 req/s, S3 p99, S4 req/s, S4 one, idle RSS, peak RSS, S6
    return [float(v[i]) for i in (0, 2, 3, 4, 5, 8, 9)]
print("| build | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * len(cols))
for b in builds:
    runs = [ratios(p) for p in sorted(glob.glob(os.path.join(work, b + "-*.md")))]
    cells = []
    for i in range(len(cols)):
        xs = sorted(r[i] for r in runs)
        cells.append(f"{statistics.median(xs):.2f} ({xs[0]:.2f}–{xs[-1]:.2f})")
    print(f"| {b} ({len(runs)} runs) | " + " | ".join(cells) + " |")
if "default" in builds and "portable" in builds:
    # The portable build against the default one, round by round.
    pairs = []
    for p in sorted(glob.glob(os.path.join(work, "portable-*.md"))):
        d = p.replace("portable-", "default-")
        if os.path.exists(d):
            pairs.append([a / b for a, b in zip(ratios(p), ratios(d))])
    cells = []
    for i in range(len(cols)):
        xs = sorted(r[i] for r in pairs)
        cells.append(f"{statistics.median(xs):.2f} ({xs[0]:.2f}–{xs[-1]:.2f})")
    print(f"| portable ÷ default ({len(pairs)} rounds) | " + " | ".join(cells) + " |")
print()
print("Median ratio to nginx in the same run (range over the runs in brackets); higher is better")
print("except S3 p99 and peak RSS. Interference from other processes is in each run's notes.")
PY
