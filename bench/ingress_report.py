#!/usr/bin/env python3
"""ingress_report.py -- `switchyard ingress` beside the Python peer and the do-nothing route.

  ingress_report.py RECORDS.jsonl [--rate 1000] [--meta meta.txt] [--md OUT.md] [--title TITLE]

Reads the records of one bench/ingress.sh session (`SwitchyardBench ingress-load`, systems
`ingress`, `python-peer`, `noop`; scenarios `saturate-<CONNECTIONS>`, one per count of
concurrent requests, and `rate-<RATE>`) and prints, ready for bench/RESULTS.md: the session
(meta.txt) as a key / value table; per figure the median (and runs) of ours, the peer and the
do-nothing route with the ratios ours / peer and ours / do-nothing (medians; run k to run k),
and with more than one count each server's highest saturation rate of the counts (a closed
loop with too few requests in flight measures a server's latency, not its capacity); the
issue's goals, met or not: saturation >= 3x the peer and >= 40 % of the do-nothing route (per
count and at each server's highest), at RATE requests/s p50 <= the peer's and p99 <= half the
peer's; with the CPU records (ingress-load --server-pid), CPU per request at saturation and the
ceiling the rest of the path sets, per count; with the producer-event records (systems
`ingress-events`, `ingress-keyed-events`), their rate, latency and CPU per request beside our
webhooks and the do-nothing route. Standard library only.
"""

from __future__ import annotations

import argparse
import sys

from report_common import (by_run, cell, emit_report, fmt, load_records, median, meta_table, ratio, ratio_cell,
                           runs_text, verdict)

OURS, PEER, NOOP = "ingress", "python-peer", "noop"
EVENTS, KEYED_EVENTS = "ingress-events", "ingress-keyed-events"
BEST = "saturate-best"


def saturation_counts(records: list[dict]) -> list[int]:
    """The counts of concurrent requests the saturation phases ran with, ascending."""
    return sorted({int(r["scenario"].removeprefix("saturate-")) for r in records
                   if r["scenario"].startswith("saturate-") and r["scenario"].removeprefix("saturate-").isdigit()})


def add_best(records: list[dict], counts: list[int]) -> None:
    """Adds, per server and run, the highest saturation rate of the counts as scenario BEST."""
    for system in (OURS, PEER, NOOP):
        best: dict[int, dict] = {}
        for count in counts:
            for run, record in by_run(records, system, "requests_per_second", f"saturate-{count}").items():
                if run not in best or record["value"] > best[run]["value"]:
                    best[run] = record
        records.extend({**record, "scenario": BEST} for record in best.values())


def figures(rate: str, counts: list[int]) -> list[tuple[str, str, str, bool]]:
    """(label, scenario, metric, headline)."""
    rows = []
    for count in counts:
        rows += [(f"**saturation, {count} connections** (req/s)", f"saturate-{count}", "requests_per_second", True),
                 (f"saturation, {count} connections, p50 (ms)", f"saturate-{count}", "latency_p50", False),
                 (f"saturation, {count} connections, p99 (ms)", f"saturate-{count}", "latency_p99", False)]
    if len(counts) > 1:
        rows.append(("**saturation, each server's highest** (req/s)", BEST, "requests_per_second", True))
    return rows + [
        (f"{rate}/s achieved (req/s)", f"rate-{rate}", "requests_per_second", False),
        (f"**{rate}/s p50** (ms)", f"rate-{rate}", "latency_p50", True),
        (f"**{rate}/s p99** (ms)", f"rate-{rate}", "latency_p99", True),
        (f"{rate}/s max (ms)", f"rate-{rate}", "latency_max", False),
    ]


def failures(records: list[dict], system: str):
    rs = [r for r in records if r["system"] == system and r["metric"] == "failures"]
    return int(sum(r["value"] for r in rs)) if rs else None


CPU_FIGURES = [("the server's process tree", "cpu_server_us"), ("the load generator", "cpu_load_us"),
               ("RabbitMQ", "cpu_broker_us"), ("PostgreSQL", "cpu_postgres_us")]


def cpu_section(records: list[dict], scenario: str, count: int) -> list[str]:
    """CPU per request at saturation, per server, and what it leaves our ingress: the rest of a
    webhook's path (load generator, broker, Postgres) at ours' cost per request bounds the rate
    any ingress could reach on this machine, and the 40 % goal sets the CPU left per webhook."""
    if not by_run(records, OURS, "cpu_server_us", scenario):
        return []
    out = [f"CPU per request at saturation with {count} connections (us; median of the runs):", "",
           "| process | switchyard ingress | Python peer | do-nothing route |", "|---|---:|---:|---:|"]
    for label, metric in CPU_FIGURES:
        out.append(f"| {label} | " + " | ".join(fmt(median(by_run(records, s, metric, scenario))) for s in (OURS, PEER, NOOP))
                   + " |")
    out.append("| machine busy (cores) | " + " | ".join(
        fmt(median(by_run(records, s, "cpu_machine_cores", scenario))) for s in (OURS, PEER, NOOP)) + " |")
    cores = median(by_run(records, OURS, "cpu_cores", scenario))
    rest = sum(median(by_run(records, OURS, m, scenario)) or 0 for m in ("cpu_load_us", "cpu_broker_us", "cpu_postgres_us"))
    noop = median(by_run(records, NOOP, "requests_per_second", scenario))
    out.append("")
    if cores and rest > 0 and noop:
        ceiling = cores * 1e6 / rest
        budget = cores * 1e6 / (0.4 * noop) - rest
        ours = median(by_run(records, OURS, "cpu_server_us", scenario))
        left = (f"40 % of the route leaves it {fmt(budget)} us per webhook" if budget > 0
                else "40 % of the route is out of reach for any ingress")
        out.append(f"Outside the ingress, a webhook costs {fmt(rest)} us of CPU (load generator, broker, Postgres): on "
                   f"{cores:.0f} cores no ingress could pass {fmt(ceiling)} req/s here ({ceiling / noop:.0%} of the "
                   f"do-nothing route) even at no cost of its own; {left} (ours: {fmt(ours)} us). Estimates: costs "
                   f"per request fall somewhat as groups grow.")
        out.append("")
    return out


def events_section(records: list[dict], rate: str, counts: list[int]) -> list[str]:
    """Producer events (`POST /v1/events` with an API key, without and with an Idempotency-Key)
    beside our webhooks and the do-nothing route, per phase."""
    systems = [s for s in (EVENTS, KEYED_EVENTS) if any(r["system"] == s for r in records)]
    if not systems:
        return []
    out = ["Producer events (`POST /v1/events`, one `chatbot.message.received` event a request, with an API key; "
           "keyed: a fresh `Idempotency-Key` each), beside our webhooks and the do-nothing route:", "",
           "| figure | events | keyed events | our webhooks | do-nothing route | events / route | keyed / route "
           "| keyed / webhooks |", "|---|---:|---:|---:|---:|---|---|---|"]
    rows = [(f"**saturation, {count} connections** (req/s)", f"saturate-{count}", "requests_per_second")
            for count in counts]
    for count in counts:
        rows += [(f"saturation, {count} connections, p50 / p99 (ms)", f"saturate-{count}", "latency"),
                 (f"saturation, {count} connections, server CPU a request (us)", f"saturate-{count}", "cpu_server_us"),
                 (f"saturation, {count} connections, RabbitMQ / Postgres CPU a request (us)", f"saturate-{count}",
                  "broker+postgres")]
    rows += [(f"{rate}/s p50 / p99 (ms)", f"rate-{rate}", "latency")]

    def pair(system: str, scenario: str, first: str, second: str) -> str:
        a, b = (median(by_run(records, system, m, scenario)) for m in (first, second))
        return "-" if a is None and b is None else f"{fmt(a)} / {fmt(b)}"

    for label, scenario, metric in rows:
        columns = (EVENTS, KEYED_EVENTS, OURS, NOOP)
        if metric == "latency":
            values = [pair(s, scenario, "latency_p50", "latency_p99") for s in columns]
            out.append(f"| {label} | " + " | ".join(values) + " | | | |")
        elif metric == "broker+postgres":
            values = [pair(s, scenario, "cpu_broker_us", "cpu_postgres_us") for s in columns[:3]]
            out.append(f"| {label} | " + " | ".join(values) + " | - | | | |")
        else:
            runs = {s: by_run(records, s, metric, scenario) for s in columns}
            ratios = [ratio_cell(*ratio(runs[a], runs[b])) for a, b in ((EVENTS, NOOP), (KEYED_EVENTS, NOOP), (KEYED_EVENTS, OURS))]
            out.append(f"| {label} | " + " | ".join(cell(runs[s]) for s in columns) + " | "
                       + " | ".join(ratios) + " |")
    failed = {s: failures(records, s) for s in systems}
    out += ["", "Failed requests: " + ", ".join(f"{s} {'-' if v is None else v}" for s, v in failed.items()) + ".", ""]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records")
    ap.add_argument("--rate", default="1000", help="the open loop's rate (requests/s), as ingress.sh ran it")
    ap.add_argument("--meta", help="the session's meta.txt (`key: value` lines), printed as the first table")
    ap.add_argument("--md", help="also write the report to this file")
    ap.add_argument("--title", default="Ingress benchmark: switchyard ingress beside the Python peer and a do-nothing route")
    args = ap.parse_args()
    records = load_records(args.records)
    counts = saturation_counts(records)
    add_best(records, counts)

    out = [f"## {args.title}", ""] + meta_table(args.meta)
    out += ["| figure | switchyard ingress | Python peer | do-nothing route | ours / peer | ours / do-nothing |",
            "|---|---:|---:|---:|---|---|"]
    for label, scenario, metric, headline in figures(args.rate, counts):
        ours, peer, noop = (by_run(records, s, metric, scenario) for s in (OURS, PEER, NOOP))
        if not (ours or peer or noop):
            continue
        out.append(f"| {label} | {cell(ours)} | {cell(peer)} | {cell(noop)} | {ratio_cell(*ratio(ours, peer), bold=headline)} "
                   f"| {ratio_cell(*ratio(ours, noop))} |")
    failed = {s: failures(records, s) for s in (OURS, PEER, NOOP)}
    out.append("| failed requests (all phases) | " + " | ".join("-" if failed[s] is None else str(failed[s]) for s in failed)
               + " | - | - |")
    out += ["", "Cells: median (run 1 / run 2 / ...). Ratios: ours / the other, of the medians (run k / run k); "
            "rates: > 1 means switchyard is faster, latency: < 1 means switchyard is faster.", ""]

    def goal(label, scenario, metric, other, test, form, no_verdict=None):
        """A goal's row; NO_VERDICT, when given, says why it is not judged."""
        r, per = ratio(by_run(records, OURS, metric, scenario), by_run(records, other, metric, scenario))
        judged = no_verdict or verdict(None if r is None else test(r))
        return f"| {label} | {runs_text(r, per, form)} | {judged} |"

    at_rate = f"rate-{args.rate}"
    achieved = {s: median(by_run(records, s, "requests_per_second", at_rate)) for s in (OURS, PEER)}
    short = [s for s, v in achieved.items() if v is not None and v < 0.95 * float(args.rate)]
    # A peer that can't keep up at the rate queues: its latency is its queue's, so the ratios
    # against it say nothing about either path.
    peer_behind = f"no verdict: the peer fell behind ({fmt(achieved[PEER])} req/s)" if PEER in short else None
    saturations = [(f"{count} connections", f"saturate-{count}") for count in counts]
    if len(counts) > 1:
        saturations.append(("each server's highest", BEST))
    out += ["Against the issue's goals:", "", "| goal | ours / the other (medians; per run) | met |", "|---|---|---|"]
    for name, scenario in saturations:
        out += [goal(f"saturation >= 3x the Python peer ({name})", scenario, "requests_per_second", PEER,
                     lambda r: r >= 3, "{:.2f}x"),
                goal(f"saturation >= 40 % of the do-nothing route ({name})", scenario, "requests_per_second", NOOP,
                     lambda r: r >= 0.4, "{:.0%}")]
    out += [goal(f"p50 at {args.rate}/s <= the peer's", at_rate, "latency_p50", PEER, lambda r: r <= 1, "{:.2f}",
                 peer_behind),
            goal(f"p99 at {args.rate}/s <= 1/2 the peer's", at_rate, "latency_p99", PEER, lambda r: r <= 0.5, "{:.2f}",
                 peer_behind),
            ""]
    if any((v or 0) > 0 for v in failed.values()):
        out.append("Some requests failed (load.err has the first reason per phase): those phases' figures count "
                   "successes only.")
    for count in counts:
        out += cpu_section(records, f"saturate-{count}", count)
    out += events_section(records, args.rate, counts)
    if short:
        out.append(f"Below the offered {args.rate}/s (a server that cannot keep up queues, and its latency shows it): "
                   + ", ".join(f"{s} {fmt(achieved[s])} req/s" for s in short) + ".")
    emit_report(out, args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
