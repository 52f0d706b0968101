#!/usr/bin/env bash
# bench/allocs.sh -- heap allocations per message of SwitchyardAMQP (see bench/README.md).
#
#   bench/allocs.sh          N = 2000 and 4000, classic queue; variants batch (+consume) and single
#
# Counts libc allocation calls (malloc, calloc, realloc, posix_memalign) with perf uprobes
# (root), per message = (allocs(4000) - allocs(2000)) / 2000, and lists the call sites that
# grow with N (perf record --call-graph dwarf; bench/alloc_sites.py). Output in OUT
# (/tmp/switchyard-bench-out/allocs-<UTC time>). Uprobes this script adds are removed at exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
OUT="${OUT:-/tmp/switchyard-bench-out/allocs-$(date -u +%Y%m%dT%H%M%SZ)}"
SMALL=2000
LARGE=4000
# shellcheck source=lib/alloc_probes.sh
source "$ROOT/bench/lib/alloc_probes.sh"

timeout 300 scripts/services up
eval "$(scripts/services env)"
PATH=/opt/swift/usr/bin:$PATH timeout 1800 swift build -c release --product SwitchyardBench --scratch-path .build-bench >&2
BIN="$ROOT/.build-bench/release/SwitchyardBench"
mkdir -p "$OUT"

alloc_probes_add

for variant in batch single; do
  for n in $SMALL $LARGE; do
    args=(--n "$n" --types classic --variants "$variant" --quiet-wait 0 --cpu off --timeout 120)
    perf stat -x, -e "$EV" -o "$OUT/stat-$variant-$n.csv" timeout 300 "$BIN" "${args[@]}" >/dev/null
    perf record -q -m 16384 -e "$EV" --call-graph dwarf,8192 -o "$OUT/perf-$variant-$n.data" \
      timeout 300 "$BIN" "${args[@]}" >/dev/null
    perf script -i "$OUT/perf-$variant-$n.data" -F comm,tid,event,ip,sym,dso >"$OUT/script-$variant-$n.txt" 2>/dev/null
    rm -f "$OUT/perf-$variant-$n.data"
  done
  a=$(alloc_count "$OUT/stat-$variant-$SMALL.csv"); b=$(alloc_count "$OUT/stat-$variant-$LARGE.csv")
  echo "== $variant: allocation calls $a (N=$SMALL), $b (N=$LARGE): $(awk -v a="$a" -v b="$b" -v d=$((LARGE - SMALL)) 'BEGIN {printf "%.2f", (b - a) / d}') per message (perf stat)"
  python3 bench/alloc_sites.py "$OUT/script-$variant-$SMALL.txt" "$SMALL" "$OUT/script-$variant-$LARGE.txt" "$LARGE" \
    --top 12 --depth 8 | cut -c1-400
done | tee "$OUT/allocs.txt"
echo "[allocs.sh] $OUT/allocs.txt" >&2
