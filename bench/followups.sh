#!/usr/bin/env bash
# bench/followups.sh -- how soon a worker's follow-up reaches the next handler: a chain of two
# probes, the second published as the first's follow-up (outbox row in the first's transaction).
#
#   bench/followups.sh                                   RUNS=3, 4,500 probes at 300/s per run
#   BASELINE=/tmp/switchyard-old bench/followups.sh      the same, interleaved with another binary
#   RUNS=1 N=600 bench/followups.sh                      smoke test
#
# Environment: RUNS (3), N (4500 probes per phase), RATE (300 probes/s), WARMUP (300 probes not
# counted), BASELINE (a second switchyard executable, measured after ours in every run: e.g. a
# build of the commit before a change), BUILD (1; 0 = use .build-bench), KEEP_SERVERS, OUT,
# ANCHORS.
#
# Per run and executable: one `switchyard work probe` (CLI defaults) on the anchors' servers
# (vhost switchyard-followups-bench, database switchyard_followups_bench, both recreated and
# migrated at the start), N probe.run events with a follow-up each, published with confirms at
# RATE (bench/followups_chain.py, pika in the anchors' venv); once every follow-up has run, the
# chain step = the follow-up's commit start minus the first probe's commit start
# (probe_results.completed_at, the database's clock): the first's commit, the follow-up's
# publish, the broker, the delivery, the handler. Output in OUT: records.jsonl, worker logs,
# meta.txt, summary.md.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
RUNS="${RUNS:-3}"
N="${N:-4500}"
RATE="${RATE:-300}"
WARMUP="${WARMUP:-300}"
BASELINE="${BASELINE:-}"
OUT="${OUT:-/tmp/switchyard-bench-out/followups-$(date -u +%Y%m%dT%H%M%SZ)}"
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "followups.sh: RUNS must be 1..20" >&2; exit 2; }
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -gt "$WARMUP" ] || { echo "followups.sh: N must be a whole number above WARMUP ($WARMUP)" >&2; exit 2; }
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || { echo "followups.sh: BASELINE is not an executable: $BASELINE" >&2; exit 2; }
log() { echo "[followups.sh] $(date -u +%H:%M:%S) $*" >&2; }
source "$ROOT/bench/lib/anchors.sh"

mkdir -p "$OUT"
anchors_find
anchors_build switchyard
anchors_env
WORKER=""
cleanup() { if [ -n "$WORKER" ]; then kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; fi; }
anchors_on_exit cleanup
anchors_servers switchyard-followups-bench switchyard_followups_bench
{ anchors_meta_head; echo "command: RUNS=$RUNS N=$N RATE=$RATE WARMUP=$WARMUP${BASELINE:+ BASELINE=$BASELINE} bench/followups.sh"; } > "$OUT/meta.txt"

phase() { # phase LABEL EXECUTABLE
  local label="$1" executable="$2" port=19391
  "$executable" work probe --metrics-port "$port" 2>"$OUT/worker-$label.log" &
  WORKER=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null && break; sleep 0.1; done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" || { log "the worker ($label) never got ready"; exit 1; }
  log "$label: $N probes with a follow-up each at $RATE/s"
  "$VENV/bin/python" "$ROOT/bench/followups_chain.py" --label "$label" --n "$N" --rate "$RATE" --warmup "$WARMUP" | tee -a "$OUT/records.jsonl"
  kill "$WORKER"; wait "$WORKER" || true; WORKER=""
}
for run in $(seq 1 "$RUNS"); do
  phase "switchyard-$run" "$SWITCHYARD"
  [ -z "$BASELINE" ] || phase "baseline-$run" "$BASELINE"
done

"$VENV/bin/python" - "$OUT/records.jsonl" > "$OUT/summary.md" <<'PY'
import json, statistics, sys
records = [json.loads(line) for line in open(sys.argv[1])]
print("| executable | runs | chain step p50 (ms) | p90 | p99 | max |")
print("|---|---:|---:|---:|---:|---:|")
for system in ("switchyard", "baseline"):
    rows = [r for r in records if r["label"].startswith(system + "-")]
    if not rows:
        continue
    cell = lambda key: f"{statistics.median(r[key] for r in rows):.2f} ({' / '.join(f'{r[key]:.2f}' for r in rows)})"
    print(f"| {system} | {len(rows)} | {cell('step_p50_ms')} | {cell('step_p90_ms')} | {cell('step_p99_ms')} | {cell('step_max_ms')} |")
PY
cat "$OUT/meta.txt" "$OUT/summary.md"
