# bench/lib/alloc_probes.sh -- what the allocation counts (allocs.sh, worker_allocs.sh) share:
# perf uprobes on libc's allocation calls, added once and removed at exit. Needs root.
# Source it; then call alloc_probes_add (sets EV, the events for perf -e); alloc_count FILE sums
# the events of a `perf stat -x,` output.

LIBC=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$LIBC" ] || LIBC=/lib/x86_64-linux-gnu/libc.so.6
command -v perf >/dev/null || { echo "$(basename "$0"): needs perf (apt-get install linux-perf)" >&2; exit 2; }
ALLOC_PROBES_ADDED=()

alloc_probes_remove() {
  local p
  for p in "${ALLOC_PROBES_ADDED[@]}"; do perf probe -q -d "probe_libc:$p" 2>/dev/null || true; done
}

# alloc_probes_add: adds the uprobes not there yet (and removes those at exit); sets EV.
alloc_probes_add() {
  local f
  trap alloc_probes_remove EXIT
  for f in malloc calloc realloc posix_memalign; do
    if ! perf probe -l 2>/dev/null | grep -q "probe_libc:$f "; then
      perf probe -q -x "$LIBC" --add "$f" && ALLOC_PROBES_ADDED+=("$f")
    fi
  done
  EV=probe_libc:malloc,probe_libc:calloc,probe_libc:realloc,probe_libc:posix_memalign
}

# alloc_count FILE: the allocation calls a `perf stat -x, -e "$EV"` output counted.
alloc_count() { awk -F, '/probe_libc/ {s += $1} END {print s}' "$1"; }
