#!/usr/bin/env python3
"""pipeline_report.py -- `SwitchyardBench pipeline` beside the peer anchors and the raw limits.

  pipeline_report.py RECORDS.jsonl [--meta meta.txt] [--md OUT.md] [--defaults C/P]
                     [--peers dramatiq,celery-prefork,celery-threads] [--title TITLE]

Reads the JSON records that one session of bench/pipeline.sh appended to $BENCH_JSONL:
`SwitchyardBench pipeline` (one system `switchyard-<concurrency>x<prefetch>` per worker
configuration; an older session's plain `switchyard` works too), the anchors'
dramatiq_bench.py / celery_bench.py, and the limits, raw_broker.py (`rabbitmq-quorum`,
`raw-consume-ack`), raw_pg.py (`postgres`, `batch500-insert`) and bench/raw_latency.py
(`raw-worker-quorum`, `raw-worker-classic`). Prints, ready for bench/RESULTS.md:

1. the session (meta.txt) as a key / value table;
2. one table, a block of rows per configuration: drain rate, latency p50 / p99 / max at
   300/s, worker peak RSS under the drain, enqueue rate; for each the median (and runs) of
   ours, of every peer and of the limits, and the ratios ours / dramatiq, ours / raw quorum
   consume+ack and ours / raw Postgres multi-row insert (medians; run k to run k);
3. the issue's goals, met or not, per configuration (they are set at the CLI defaults, the
   other configurations are for comparison);
4. latency beside the least worker on each queue type (raw_latency.py): what the queue type
   costs the same worker, and the least worker's delivery time (enqueue -> the job's start);
5. resources per phase (worker RSS and CPU; CPU of bench + broker + Postgres, broker, foreign
   load; runs with foreign load > 0.25 cores are flagged, as in the anchors' aggregate.py).

Standard library only.
"""

from __future__ import annotations

import argparse
import sys

from report_common import (by_run, cell, emit_report, fmt, foreign_note, load_records, median, meta_table, ratio,
                           ratio_cell, runs_text, verdict)

FOREIGN_WARN = 0.25  # cores, as in the anchors' aggregate.py
GOAL_PEER = "dramatiq"
CONSUME = ("rabbitmq-quorum", "consume_rate", "raw-consume-ack")
LEAST_QUORUM, LEAST_CLASSIC = "raw-worker-quorum", "raw-worker-classic"
INSERT = ("postgres", "insert_rate", "batch500-insert")
# (metric, label, headline, record key)
FIGURES = [
    ("drain_rate", "**drain rate**", True, "value"),
    ("latency_p50", "latency p50", False, "value"),
    ("latency_p99", "**latency p99**", True, "value"),
    ("latency_max", "latency max", False, "value"),
    ("drain_rate", "worker peak RSS, drain", False, "worker_rss_peak_mib"),
    ("enqueue_rate", "enqueue rate (driver, informational)", False, "value"),
]


def our_configs(records: list[dict]) -> list[tuple[str, str]]:
    """[(system, "concurrency/prefetch")] of our worker configurations, in order of appearance."""
    out: dict[str, str] = {}
    for r in records:
        s = r["system"]
        if s == "switchyard" or s.startswith("switchyard-"):
            if r.get("concurrency") is not None:
                out[s] = f"{r['concurrency']}/{r['prefetch']}"
                if r.get("cli_defaults") == "yes":
                    out[s] += " (defaults)"
                if r.get("queue_type") == "classic":
                    out[s] += ", classic queues"
            else:
                out.setdefault(s, s)
    return list(out.items())


def rss_runs(runs: dict[int, dict]) -> dict[int, dict]:
    """The drain records' worker_rss_peak_mib as values (so the ratio helpers apply)."""
    return {k: {"value": r["worker_rss_peak_mib"]} for k, r in runs.items() if r.get("worker_rss_peak_mib") is not None}


def figures_table(records, configs, peers, defaults) -> list[str]:
    consume = by_run(records, *CONSUME)
    insert = by_run(records, *INSERT)
    head = "| configuration | figure | unit | switchyard |" + "".join(f" {p} |" for p in peers)
    head += " raw quorum consume+ack | raw PG 500-row insert | ours / dramatiq | ours / raw consume+ack | ours / raw PG insert |"
    out = [head, "|---|---|---|---:|" + "---:|" * len(peers) + "---:|---:|---|---|---|"]
    for system, config in configs:
        name = f"**{config}**" if config == defaults else config
        for metric, label, headline, key in FIGURES:
            ours = by_run(records, system, metric)
            if key != "value":
                ours = rss_runs(ours)
            if not ours:
                continue
            unit = "MiB" if key != "value" else next(iter(ours.values()))["unit"]
            row = f"| {name} | {label} | {unit} | {cell(ours)} |"
            name = ""  # the configuration names its first row only
            for p in peers:
                row += f" {cell(by_run(records, p, metric)) if key == 'value' else '-'} |"
            limits = metric == "drain_rate" and key == "value"
            row += f" {cell(consume) if limits else '-'} | {cell(insert) if limits else '-'} |"
            row += f" {ratio_cell(*ratio(ours, by_run(records, GOAL_PEER, metric)), bold=headline) if key == 'value' else '-'} |"
            row += f" {ratio_cell(*ratio(ours, consume), bold=True) if limits else '-'} |"
            row += f" {ratio_cell(*ratio(ours, insert)) if limits else '-'} |"
            out.append(row)
    out += ["", "Cells: median (run 1 / run 2 / ...). Ratios: ours / the other, of the medians (run k / run k). "
            "Rates: > 1 means switchyard is faster; latency: < 1 means switchyard is faster. Our drain writes "
            "two rows per message (inbox + result) where raw_pg.py writes one.", ""]
    return out


def goals(records, system) -> list[tuple[str, str, bool | None]]:
    """[(goal, figure text, met)] for one configuration."""
    drain = by_run(records, system, "drain_rate")
    out = []
    r, per = ratio(drain, by_run(records, GOAL_PEER, "drain_rate"))
    out.append(("drain >= 5x dramatiq", runs_text(r, per, "{:.2f}x"), None if r is None else r >= 5))
    r, per = ratio(drain, by_run(records, *CONSUME))
    out.append(("drain >= 50 % of the raw quorum consume+ack rate", runs_text(r, per, "{:.0%}"), None if r is None else r >= 0.5))
    for metric, bound, goal in (("latency_p50", 1.0, "latency p50 at 300/s <= dramatiq's"),
                                ("latency_p99", 0.5, "latency p99 at 300/s <= 1/2 dramatiq's")):
        ours, peer = by_run(records, system, metric), by_run(records, GOAL_PEER, metric)
        r, per = ratio(ours, peer)
        text = f"{fmt(median(ours))} vs {fmt(median(peer))} ms, ratio {ratio_cell(r, per)}" if r else "-"
        out.append((goal, text, None if r is None else r <= bound))
    rss = median(rss_runs(drain))
    out.append(("worker peak RSS <= 32 MiB under the drain", f"{fmt(rss)} MiB" if rss else "-", None if rss is None else rss <= 32))
    return out


def goals_table(records, configs, defaults) -> list[str]:
    if not configs:
        return []
    per_config = [goals(records, s) for s, _ in configs]
    head = "| goal |" + "".join(f" {c}{': the goal' if c == defaults else ''} | met |" for _, c in configs)
    out = ["Against the issue's goals (set at the CLI defaults; other configurations for comparison):", "",
           head, "|---|" + "---|---|" * len(configs)]
    for i, (goal, _, _) in enumerate(per_config[0]):
        out.append(f"| {goal} |" + "".join(f" {g[i][1]} | {verdict(g[i][2])} |" for g in per_config))
    return out + [""]


def latency_limits_table(records, configs) -> list[str]:
    """Latency at 300/s beside the least worker on a quorum and on a classic queue."""
    quorum_p99, classic_p99 = by_run(records, LEAST_QUORUM, "latency_p99"), by_run(records, LEAST_CLASSIC, "latency_p99")
    if not quorum_p99 and not classic_p99:
        return []
    out = ["### Latency beside the least worker on each queue type", "",
           "| figure | system | median (runs) | / least worker, quorum | / least worker, classic | / dramatiq |",
           "|---|---|---:|---|---|---|"]
    systems = [(s, f"switchyard {c}") for s, c in configs] + [(GOAL_PEER, "dramatiq (classic queue)"),
                                                              (LEAST_QUORUM, "least worker, quorum queue"),
                                                              (LEAST_CLASSIC, "least worker, classic queue")]
    for metric in ("latency_p50", "latency_p99", "delivery_p50", "delivery_p99"):
        quorum, classic, peer = (by_run(records, s, metric) for s in (LEAST_QUORUM, LEAST_CLASSIC, GOAL_PEER))
        for system, label in systems:
            runs = by_run(records, system, metric)
            if not runs:
                continue
            cols = [ratio_cell(*ratio(runs, other)) if other and system != name else "-"
                    for other, name in ((quorum, LEAST_QUORUM), (classic, LEAST_CLASSIC), (peer, GOAL_PEER))]
            out.append(f"| {metric.replace('_', ' ')} (ms) | {label} | {cell(runs)} | " + " | ".join(cols) + " |")
    r, per = ratio(quorum_p99, by_run(records, GOAL_PEER, "latency_p99"))
    if r is not None:
        out += ["", f"The least worker's p99 on a quorum queue is {runs_text(r, per, '{:.2f}')} of dramatiq's on its "
                f"classic queue, and {runs_text(*ratio(quorum_p99, classic_p99), '{:.2f}')} of its own on a classic "
                "queue. Delivery: from `enq` to the job's start in the least worker (the publish, the broker's hop, "
                "pika's reading)."]
    return out + [""]


def resources_table(records, systems) -> list[str]:
    out = ["### Resources per phase", "",
           "| system | phase | worker peak RSS (MiB, per run) | worker CPU (cores, per run) | bench+broker+Postgres CPU "
           "(cores, per run) | broker CPU (cores, per run) | foreign load (cores, per run) |",
           "|---|---|---|---|---|---|---|"]
    shown = []
    for system, metric, scenario in systems:
        rs = by_run(records, system, metric, scenario)
        if not rs:
            continue
        shown += rs.values()
        runs = sorted(rs)

        def col(key, rs=rs, runs=runs):
            vals = [rs[k].get(key) for k in runs]
            return " / ".join("-" if v is None else f"{v:g}" for v in vals) if any(v is not None for v in vals) else "-"

        out.append(f"| {system} | {rs[runs[0]]['scenario']} | {col('worker_rss_peak_mib')} | {col('worker_cpu_cores')} | "
                   f"{col('cpu_ours_cores')} | {col('cpu_broker_cores')} | {col('cpu_foreign_cores')} |")
    return out + ["", foreign_note(shown, FOREIGN_WARN)]


def drain_notes(records, configs) -> list[str]:
    out = []
    for system, config in configs:
        drain = by_run(records, system, "drain_rate")
        if not drain:
            continue
        runs = sorted(drain)
        out += ["", f"Switchyard {config} drain: first consume = {drain[runs[0]].get('first_consume_source')}; worker start -> "
                f"first consume {' / '.join(format(drain[k].get('first_consume_after_start_s', float('nan')), '.3f') for k in runs)} s; "
                f"rate from worker start {' / '.join(fmt(drain[k].get('drain_rate_from_worker_start')) for k in runs)} msg/s; "
                f"worker log warnings/errors {' / '.join(str(drain[k].get('worker_log_problems', '-')) for k in runs)}."]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records")
    ap.add_argument("--md", help="also write the report to this file")
    ap.add_argument("--meta", help="the session's meta.txt (`key: value` lines), printed as the first table")
    ap.add_argument("--defaults", default=None,
                    help="the goals' configuration, concurrency/prefetch; default: the run made without flags (cli_defaults yes)")
    ap.add_argument("--peers", default="dramatiq,celery-prefork,celery-threads")
    ap.add_argument("--title", default="Pipeline benchmark: switchyard work probe beside the peers and the raw limits")
    args = ap.parse_args()
    records = load_records(args.records)
    systems = {r["system"] for r in records}
    peers = [p for p in args.peers.split(",") if p in systems]
    configs = our_configs(records)
    defaults = args.defaults or next((c for _, c in configs if c.endswith("(defaults)")), None)

    out = [f"## {args.title}", ""] + meta_table(args.meta)
    out += figures_table(records, configs, peers, defaults)
    out += goals_table(records, configs, defaults)
    out += latency_limits_table(records, configs)
    phases = [(s, m, None) for s in [c[0] for c in configs] + peers for m in ("drain_rate", "latency_p50")]
    least = [(s, "latency_p50", None) for s in (LEAST_QUORUM, LEAST_CLASSIC)]
    out += resources_table(records, phases + least + [CONSUME, INSERT])
    out += drain_notes(records, configs)
    emit_report(out, args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
