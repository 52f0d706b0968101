#!/usr/bin/env python3
"""broker_report.py -- medians of SwitchyardBench beside the pika anchor (raw_broker.py).

  broker_report.py RECORDS.jsonl [--md OUT.md]

Reads the JSON records both programs appended to $BENCH_JSONL in the same session, and
prints one markdown row per (queue type, figure): our median and runs, pika's median and
runs, the ratio of the medians and the per-run ratios (ours in run k / pika in run k), and
the broker CPU (cores) of each side. Then says whether we are at least as fast as pika on
publish and consume for every queue type. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict

# (our scenario, pika scenario, label)
FIGURES = [
    ("raw-publish-confirms", "raw-publish-confirms", "publish, batches (headline)"),
    ("raw-publish-confirms-per-message", "raw-publish-confirms", "publish, per message"),
    ("raw-consume-ack", "raw-consume-ack", "consume + ack"),
]
FOREIGN_WARN = 0.25  # cores, as in the anchors' aggregate.py
HEADLINE = {"raw-publish-confirms", "raw-consume-ack"}


def fmt(v: float) -> str:
    return f"{v:,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records")
    ap.add_argument("--md", help="also write the table to this file")
    args = ap.parse_args()

    # (system, scenario) -> {run: record}
    recs: dict[tuple[str, str], dict[int, dict]] = defaultdict(dict)
    with open(args.records) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                recs[(r["system"], r["scenario"])][r["run"]] = r

    types = sorted({s.split("-", 1)[1] for s, _ in recs if s.startswith("switchyard-")},
                   key=lambda t: (t != "classic", t))
    out = ["| queue | figure | switchyard median | switchyard runs | pika median | pika runs "
           "| ratio (medians) | ratio per run | broker CPU ours / pika (cores, median) "
           "| foreign load ours / pika (cores, per run) |",
           "|---|---|---:|---|---:|---|---:|---|---|---|"]
    verdicts = []
    flagged: set[int] = set()
    for qtype in types:
        for ours_sc, pika_sc, label in FIGURES:
            ours = recs.get((f"switchyard-{qtype}", ours_sc), {})
            pika = recs.get((f"rabbitmq-{qtype}", pika_sc), {})
            if not ours:
                continue
            runs = sorted(ours)
            ov = [ours[k]["value"] for k in runs]
            om = statistics.median(ov)
            unit = ours[runs[0]]["unit"]
            ocpu = statistics.median(ours[k].get("cpu_broker_cores", float("nan")) for k in runs)
            ofor = "/".join(f"{ours[k].get('cpu_foreign_cores', float('nan')):.2f}" for k in runs)
            flagged |= {k for k in runs if ours[k].get("cpu_foreign_cores", 0) > FOREIGN_WARN}
            if pika:
                pruns = sorted(pika)
                pv = [pika[k]["value"] for k in pruns]
                pm = statistics.median(pv)
                pcpu = statistics.median(pika[k].get("cpu_broker_cores", float("nan")) for k in pruns)
                per_run = [f"{ours[k]['value'] / pika[k]['value']:.2f}" for k in runs if k in pika]
                ratio = om / pm
                pika_cells = f"{fmt(pm)} | {' / '.join(fmt(v) for v in pv)} | **{ratio:.2f}** | {' / '.join(per_run)}"
                cpu = f"{ocpu:.2f} / {pcpu:.2f}"
                pfor = "/".join(f"{pika[k].get('cpu_foreign_cores', float('nan')):.2f}" for k in pruns)
                flagged |= {k for k in pruns if pika[k].get("cpu_foreign_cores", 0) > FOREIGN_WARN}
                if ours_sc in HEADLINE:
                    verdicts.append((qtype, label, ratio, min(float(x) for x in per_run) if per_run else ratio))
            else:
                pika_cells = "- | - | - | -"
                cpu = f"{ocpu:.2f} / -"
                pfor = "-"
            out.append(f"| {qtype} | {label} ({unit}) | {fmt(om)} | {' / '.join(fmt(v) for v in ov)} | "
                       f"{pika_cells} | {cpu} | {ofor} / {pfor} |")
    out.append("")
    if flagged:
        out.append(f"Runs {sorted(flagged)} had foreign load > {FOREIGN_WARN} cores (processes outside the benchmark) "
                   "in at least one phase: their figures are less reliable.")
        out.append("")
    if verdicts:
        slower = [v for v in verdicts if v[2] < 1.0]
        for qtype, label, ratio, worst in verdicts:
            out.append(f"- {qtype} {label}: {'OK' if ratio >= 1.0 else 'SLOWER'} "
                       f"(median ratio {ratio:.2f}, worst run {worst:.2f})")
        out.append("")
        out.append("Requirement (at least as fast as pika on publish and consume, classic and quorum): "
                   + ("**met**" if not slower else f"**not met** in {len(slower)} figure(s)"))
    text = "\n".join(out)
    print(text)
    if args.md:
        with open(args.md, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
