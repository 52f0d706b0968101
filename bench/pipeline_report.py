#!/usr/bin/env python3
"""pipeline_report.py -- medians of `SwitchyardBench pipeline` beside the peer anchors.

  pipeline_report.py RECORDS.jsonl [--md OUT.md] [--peers dramatiq,celery-prefork,celery-threads]

Reads the JSON records that SwitchyardBench pipeline (system "switchyard") and the anchors'
dramatiq_bench.py / celery_bench.py appended to $BENCH_JSONL in the same session, and prints:

1. one markdown row per figure (drain_rate, latency p50 / p99 / max, enqueue_rate): each
   system's median and runs, and the ratio ours / peer of the medians (and per run, run k vs
   run k). drain_rate and enqueue_rate: higher is better, a ratio > 1 means we are faster.
   Latency: lower is better, a ratio < 1 means we are faster; the headline is p99.
2. resources per phase: our worker's peak RSS (VmHWM) and CPU, and for every system the CPU
   of the benchmark tree + broker + Postgres (`cpu_ours_cores`), the broker's share, and the
   foreign load (runs above 0.25 foreign cores are flagged, as in the anchors' aggregate.py).

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict

OURS = "switchyard"
FOREIGN_WARN = 0.25  # cores, as in the anchors' aggregate.py
# (metric, label, higher_is_better, headline)
FIGURES = [
    ("drain_rate", "drain rate", True, True),
    ("latency_p50", "latency p50", False, False),
    ("latency_p99", "latency p99", False, True),
    ("latency_max", "latency max", False, False),
    ("enqueue_rate", "enqueue rate (driver, informational)", True, False),
]


def fmt(v) -> str:
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def load(path: str):
    # (system, metric) -> {run: record}; a later record of the same run replaces an earlier one
    recs: dict[tuple[str, str], dict[int, dict]] = defaultdict(dict)
    scenarios: dict[str, str] = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            recs[(r["system"], r["metric"])][r["run"]] = r
            scenarios.setdefault(r["metric"], r["scenario"])
    return recs, scenarios


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records")
    ap.add_argument("--md", help="also write the tables to this file")
    ap.add_argument("--peers", default="dramatiq,celery-prefork,celery-threads")
    ap.add_argument("--title", default="Pipeline benchmark: switchyard work probe beside the peer anchors")
    args = ap.parse_args()
    recs, scenarios = load(args.records)
    peers = [p for p in args.peers.split(",") if p and any(s == p for s, _ in recs)]

    out = [f"## {args.title}", ""]
    head = "| figure | unit | switchyard median | switchyard runs |"
    sep = "|---|---|---:|---|"
    for p in peers:
        head += f" {p} median | {p} runs |"
        sep += "---:|---|"
    for p in peers:
        head += f" ours / {p} (medians; per run) |"
        sep += "---|"
    out += [head, sep]
    verdicts = []
    for metric, label, higher, headline in FIGURES:
        ours = recs.get((OURS, metric), {})
        if not ours and not any((p, metric) in recs for p in peers):
            continue
        unit = next((r["unit"] for p in [OURS] + peers for r in recs.get((p, metric), {}).values()), "")
        scen = scenarios.get(metric, "")
        name = f"**{label}**" if headline else label
        row = f"| {name} ({scen}) | {unit} |"
        med = {}
        for s in [OURS] + peers:
            rs = recs.get((s, metric), {})
            if rs:
                vals = [rs[k]["value"] for k in sorted(rs)]
                med[s] = statistics.median(vals)
                row += f" {fmt(med[s])} | {' / '.join(fmt(v) for v in vals)} |"
            else:
                row += " - | - |"
        for p in peers:
            if OURS in med and p in med and med[p]:
                ratio = med[OURS] / med[p]
                per_run = [ours[k]["value"] / recs[(p, metric)][k]["value"]
                           for k in sorted(ours) if k in recs[(p, metric)] and recs[(p, metric)][k]["value"]]
                cell = f"{'**' if headline else ''}{ratio:.2f}{'**' if headline else ''}"
                if per_run:
                    cell += " (" + " / ".join(f"{x:.2f}" for x in per_run) + ")"
                row += f" {cell} |"
                if headline:
                    better = ratio >= 1.0 if higher else ratio <= 1.0
                    verdicts.append((label, p, ratio, better, higher))
            else:
                row += " - |"
        out.append(row)
    out.append("")
    out.append("Ratios are ours / peer. Drain and enqueue rate: > 1 means switchyard is faster. Latency: < 1 "
               "means switchyard is faster (the headline is p99).")
    out.append("")
    for label, p, ratio, better, higher in verdicts:
        if higher:
            out.append(f"- {label} vs {p}: {ratio:.2f}x the peer's rate ({'faster' if better else 'slower'})")
        else:
            out.append(f"- {label} vs {p}: {ratio:.2f}x the peer's latency ({'lower' if better else 'higher'})")
    out.append("")

    # Resources per phase.
    out += ["### Resources per phase", "",
            "| system | phase | worker peak RSS (MiB, per run) | worker CPU (cores, per run) | bench+broker+Postgres CPU (cores, per run) "
            "| broker CPU (cores, per run) | foreign load (cores, per run) |",
            "|---|---|---|---|---|---|---|"]
    flagged = set()
    for s in [OURS] + peers:
        for metric in ("drain_rate", "latency_p50"):
            rs = recs.get((s, metric), {})
            if not rs:
                continue
            runs = sorted(rs)

            def col(key, r=rs, runs=runs):
                vals = [r[k].get(key) for k in runs]
                return " / ".join("-" if v is None else f"{v:g}" for v in vals) if any(v is not None for v in vals) else "-"

            flagged |= {(s, k) for k in runs if rs[k].get("cpu_foreign_cores", 0) > FOREIGN_WARN}
            phase = rs[runs[0]]["scenario"]
            out.append(f"| {s} | {phase} | {col('worker_rss_peak_mib')} | {col('worker_cpu_cores')} | "
                       f"{col('cpu_ours_cores')} | {col('cpu_broker_cores')} | {col('cpu_foreign_cores')} |")
    out.append("")
    if flagged:
        out.append(f"Foreign load > {FOREIGN_WARN} cores (processes outside the benchmark) in: "
                   + ", ".join(f"{s} run {k}" for s, k in sorted(flagged)) + ": those figures are less reliable.")
    else:
        out.append(f"No phase had foreign load above {FOREIGN_WARN} cores.")
    ours_drain = recs.get((OURS, "drain_rate"), {})
    if ours_drain:
        r = ours_drain[sorted(ours_drain)[0]]
        out.append("")
        out.append("Switchyard drain: first consume = " + str(r.get("first_consume_source")) + "; worker start -> first consume "
                   + " / ".join(f"{ours_drain[k].get('first_consume_after_start_s', float('nan')):.3f}" for k in sorted(ours_drain))
                   + " s; rate from worker start " + " / ".join(fmt(ours_drain[k].get("drain_rate_from_worker_start")) for k in sorted(ours_drain))
                   + " msg/s; worker log warnings/errors " + " / ".join(str(ours_drain[k].get("worker_log_problems", "-")) for k in sorted(ours_drain)) + ".")
    text = "\n".join(out)
    print(text)
    if args.md:
        with open(args.md, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
