#!/usr/bin/env bash
# bench/worker_allocs.sh -- heap allocations per job of `switchyard work probe` in a drain
# (see bench/README.md, "Allocations per message").
#
#   bench/worker_allocs.sh          drains of 10,000 and 30,000 probe jobs (SMALL, LARGE)
#
# Runs the worker under `perf stat` (libc malloc, calloc, realloc and posix_memalign uprobes;
# root) in `SwitchyardBench pipeline --scenarios drain`, per job = (allocs(LARGE) -
# allocs(SMALL)) / (LARGE - SMALL); then records drains of 2,000 and 6,000 (frame-pointer call
# chains) and lists the call sites that grow with N (bench/alloc_sites.py). Output in OUT
# (/tmp/switchyard-bench-out/worker-allocs-<UTC time>). Uprobes this script adds are removed
# at exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
OUT="${OUT:-/tmp/switchyard-bench-out/worker-allocs-$(date -u +%Y%m%dT%H%M%SZ)}"
SMALL="${SMALL:-10000}"
LARGE="${LARGE:-30000}"
# shellcheck source=lib/alloc_probes.sh
source "$ROOT/bench/lib/alloc_probes.sh"

timeout 300 scripts/services up
eval "$(scripts/services env)"
for product in switchyard SwitchyardBench; do
  PATH=/opt/swift/usr/bin:$PATH timeout 1800 swift build -c release --product "$product" --scratch-path .build-bench >&2
done
BENCH="$ROOT/.build-bench/release/SwitchyardBench"
WORKER="$ROOT/.build-bench/release/switchyard"
mkdir -p "$OUT"
"$WORKER" migrate >/dev/null
"$WORKER" topology apply >/dev/null

alloc_probes_add

# The bench starts the worker as `--switchyard PATH work probe ...`: PATH is a wrapper that runs
# it under perf, writing to the file named by WORKER_PERF_OUT.
wrapper() {
  cat >"$OUT/$1" <<WRAP
#!/usr/bin/env bash
exec perf $2 -e $EV -o "\$WORKER_PERF_OUT" -- "$WORKER" "\$@"
WRAP
  chmod +x "$OUT/$1"
}
wrapper counted "stat -x,"
wrapper recorded "record -q --call-graph fp"
drain() { "$BENCH" pipeline --switchyard "$OUT/$1" --scenarios drain --n "$2" --quiet-wait 0 --logdir "$OUT" >/dev/null; }

for n in "$SMALL" "$LARGE"; do WORKER_PERF_OUT="$OUT/stat-$n.csv" drain counted "$n"; done
for n in 2000 6000; do
  WORKER_PERF_OUT="$OUT/perf-$n.data" drain recorded "$n"
  perf script -i "$OUT/perf-$n.data" -F comm,tid,event,ip,sym,dso >"$OUT/script-$n.txt" 2>/dev/null
  rm -f "$OUT/perf-$n.data"
done
{
  a=$(alloc_count "$OUT/stat-$SMALL.csv"); b=$(alloc_count "$OUT/stat-$LARGE.csv")
  echo "== worker (probe drain): allocation calls $a (N=$SMALL), $b (N=$LARGE):" \
    "$(awk -v a="$a" -v b="$b" -v d=$((LARGE - SMALL)) 'BEGIN {printf "%.2f", (b - a) / d}') per job (perf stat)"
  python3 bench/alloc_sites.py "$OUT/script-2000.txt" 2000 "$OUT/script-6000.txt" 6000 --top 25 --depth 3 | cut -c1-300
} | tee "$OUT/allocs.txt"
echo "[worker_allocs.sh] $OUT/allocs.txt" >&2
