#!/usr/bin/env python3
"""scaling_report.py -- the table of bench/scaling.sh.

  scaling_report.py RECORDS.jsonl

Reads the `drain_rate` records that `SwitchyardBench pipeline --scenarios drain --workers W`
appended to $BENCH_JSONL (system `switchyard-single` or `switchyard-cluster`) and prints one
markdown row per target and worker count: the drain rate (median over runs, the runs beside it
when there are several), the speed-up over one worker on the same target, CPU seconds per 1,000
messages of the workers (their utime + stime, summed: `worker_cpu_s`), of the broker (its
beam.smp processes: `cpu_broker_cores` x `cpu_interval_s`) and of PostgreSQL (its process
tree: `cpu_postgres_cores` x `cpu_interval_s`), how busy the machine was over the drain
(`cpu_machine_cores`, of `os.cpu_count()` cores) and the foreign load (other processes; runs
above 0.25 cores are flagged). The CPU interval runs from just before the workers start to the
poll that saw the last row, so it includes their start-up (~0.1 s) and up to 0.25 s of polling.

Standard library only.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections import defaultdict

FOREIGN_WARN = 0.25  # cores, as in the anchors' aggregate.py
TARGETS = {"switchyard-single": "single node", "switchyard-cluster": "3-node cluster"}


def per_thousand(record: dict, cores_field: str) -> float | None:
    cores, interval, n = record.get(cores_field), record.get("cpu_interval_s"), record.get("rows")
    return cores * interval / n * 1000 if None not in (cores, interval) and n else None


def worker_per_thousand(record: dict) -> float | None:
    seconds, n = record.get("worker_cpu_s"), record.get("rows")
    return seconds / n * 1000 if seconds is not None and n else None


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v: float | None, places: int = 2) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.{places}f}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    # (system, workers) -> {run: record}; a later record of the same run replaces an earlier one
    runs: dict[tuple[str, int], dict[int, dict]] = defaultdict(dict)
    n_values = set()
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("metric") == "drain_rate" and r.get("system") in TARGETS:
                runs[(r["system"], int(r.get("workers", 1)))][r["run"]] = r
                n_values.add(r.get("rows"))
    if not runs:
        print("no drain_rate records")
        return 1
    cores = os.cpu_count() or 1
    print(f"| target | workers | drain (msg/s) | speed-up vs 1 worker | CPU s per 1,000 msgs: workers | broker | "
          f"PostgreSQL | machine busy (of {cores} cores) | foreign load (cores) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    flagged = False
    for system in TARGETS:
        base = median([r["value"] for r in runs.get((system, 1), {}).values()])
        for workers in sorted(w for s, w in runs if s == system):
            rs = [runs[(system, workers)][k] for k in sorted(runs[(system, workers)])]
            rate = median([r["value"] for r in rs])
            rate_text = fmt(rate)
            if len(rs) > 1:
                rate_text += " (" + ", ".join(fmt(r["value"]) for r in rs) + ")"
            busy = median([r.get("cpu_machine_cores") for r in rs])
            foreign = [r.get("cpu_foreign_cores", 0) for r in rs]
            flag = any(f > FOREIGN_WARN for f in foreign)
            flagged |= flag
            print(f"| {TARGETS[system]} | {workers} | {rate_text} | "
                  f"{fmt(rate / base) if base and rate else '-'} | "
                  f"{fmt(median([worker_per_thousand(r) for r in rs]), 3)} | "
                  f"{fmt(median([per_thousand(r, 'cpu_broker_cores') for r in rs]), 3)} | "
                  f"{fmt(median([per_thousand(r, 'cpu_postgres_cores') for r in rs]), 3)} | "
                  f"{fmt(busy)} ({fmt(busy / cores * 100 if busy is not None else None, 0)} %) | "
                  f"{' / '.join(fmt(f) for f in foreign)}{' (!)' if flag else ''} |")
    print()
    print(f"Messages per drain: {', '.join(str(n) for n in sorted(n_values, key=str))}. Medians over "
          f"{max(len(v) for v in runs.values())} run(s).")
    if flagged:
        print(f"(!) foreign load above {FOREIGN_WARN} cores during the drain: other processes took CPU.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
