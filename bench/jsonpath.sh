#!/usr/bin/env bash
# bench/jsonpath.sh -- JSONPath evaluation time per query on a 10 KB document: SwitchyardJSONPath
# (release build) beside the Python package jsonpath-rfc9535 1.0.1, in the same run.
#
#   bench/jsonpath.sh                     RUNS=3 interleaved runs (ours, then the peer, per run)
#   RUNS=1 ROUND_SECONDS=0.05 bench/jsonpath.sh   smoke test
#
# The document comes from bench/jsonpath_document.py (deterministic, ~10 KB), the queries from
# bench/jsonpath_queries.json. Each side parses the document once, then per query and mode
# (values of the compiled query; nodes with normalized paths; parse + evaluate) calibrates
# iterations to ROUND_SECONDS, discards one round and times ROUNDS rounds. No servers needed.
# Output: /tmp/switchyard-bench-out/jsonpath-<UTC time>/ (records.jsonl, meta.txt, summary.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$HERE"
RUNS="${RUNS:-3}"
ROUNDS="${ROUNDS:-7}"
ROUND_SECONDS="${ROUND_SECONDS:-0.2}"
VENV="${VENV:-/tmp/switchyard-bench-jsonpath-venv}"
OUT="${OUT:-/tmp/switchyard-bench-out/jsonpath-$(date -u +%Y%m%dT%H%M%SZ)}"
log() { echo "[jsonpath.sh] $(date -u +%H:%M:%S) $*" >&2; }
mkdir -p "$OUT"

# Debian 12's python3 (3.11): jsonpath-rfc9535 1.0.1 is the newest release that supports it
# (2.x needs 3.12), so the peer installs the same way on a fresh machine.
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check jsonpath-rfc9535==1.0.1 >&2

command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
log "building SwitchyardBench (release) in .build-bench"
swift build -c release --scratch-path .build-bench --product SwitchyardBench >&2
BENCH="$(swift build -c release --scratch-path .build-bench --show-bin-path)/SwitchyardBench"

python3 bench/jsonpath_document.py "$OUT/document.json"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bench Sources/SwitchyardJSONPath || echo ' (modified)')"
    echo "machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "swift: $(swift --version 2>/dev/null | head -1)"
    echo "python: $("$VENV/bin/python" --version), jsonpath-rfc9535 $("$VENV/bin/pip" show jsonpath-rfc9535 | awk '/^Version/ {print $2}')"
    echo "document: $(wc -c < "$OUT/document.json") bytes"
    echo "command: RUNS=$RUNS ROUNDS=$ROUNDS ROUND_SECONDS=$ROUND_SECONDS bench/jsonpath.sh"
} > "$OUT/meta.txt"
export BENCH_JSONL="$OUT/records.jsonl"
for run in $(seq 1 "$RUNS"); do
    log "run $run/$RUNS: ours"
    timeout 600 "$BENCH" jsonpath --document "$OUT/document.json" --queries bench/jsonpath_queries.json \
        --rounds "$ROUNDS" --round-seconds "$ROUND_SECONDS" --run "$run" > "$OUT/ours-$run.log"
    log "run $run/$RUNS: jsonpath-rfc9535"
    timeout 600 "$VENV/bin/python" bench/jsonpath_peer.py --document "$OUT/document.json" --queries bench/jsonpath_queries.json \
        --rounds "$ROUNDS" --round-seconds "$ROUND_SECONDS" --run "$run" > "$OUT/peer-$run.log"
done
python3 bench/jsonpath_report.py "$OUT/records.jsonl" > "$OUT/summary.md"
cat "$OUT/meta.txt"
echo
cat "$OUT/summary.md"
log "records in $OUT"
