#!/usr/bin/env python3
"""bench/jsonpath_peer.py -- the peer of `SwitchyardBench jsonpath`: jsonpath-rfc9535 (PyPI),
timed exactly as bench/SwitchyardBench/JSONPathBench.swift times ours.

For each query of --queries and each mode:
  values          query.find(document).values(), the query compiled once (1.0.1 has no findall)
  nodes           query.find(document).paths(): the nodes with their normalized paths as strings
  compile+values  environment.compile(text).find(document).values() every time
iterations per round calibrated to --round-seconds, one round discarded (warm-up), then --rounds
timed rounds; the record's value is the median of the rounds' microseconds per evaluation.
"""
import argparse
import json
import os
import statistics
import time

import jsonpath_rfc9535
from importlib.metadata import version

SYSTEM = f"jsonpath-rfc9535-{version('jsonpath-rfc9535')}"


def emit(record):
    line = json.dumps(record)
    print(line, flush=True)
    path = os.environ.get("BENCH_JSONL")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def measure(body, rounds, round_seconds):
    """Iterations per round and each timed round's microseconds per iteration."""

    def timed(iterations):
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        return time.perf_counter() - start

    iterations = 1
    elapsed = timed(iterations)
    while elapsed < 0.05:
        iterations *= 2
        elapsed = timed(iterations)
    iterations = max(1, int(iterations * round_seconds / elapsed))
    timed(iterations)  # warm-up
    return iterations, [timed(iterations) * 1e6 / iterations for _ in range(rounds)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--round-seconds", type=float, default=0.2)
    parser.add_argument("--run", type=int, default=1)
    args = parser.parse_args()
    with open(args.document, encoding="utf-8") as file:
        document = json.load(file)
    with open(args.queries, encoding="utf-8") as file:
        queries = json.load(file)
    environment = jsonpath_rfc9535.JSONPathEnvironment()
    for entry in queries:
        text = entry["query"]
        query = environment.compile(text)
        selected = len(query.find(document).values())
        modes = [
            ("values_us", lambda: query.find(document).values()),
            ("nodes_us", lambda: query.find(document).paths()),
            ("compile_values_us", lambda: environment.compile(text).find(document).values()),
        ]
        for metric, body in modes:
            iterations, per_round = measure(body, args.rounds, args.round_seconds)
            emit({
                "system": SYSTEM, "scenario": entry["label"], "metric": metric,
                "value": round(statistics.median(per_round), 3), "unit": "us", "run": args.run,
                "ts": round(time.time(), 3), "query": text, "nodes": selected, "iterations": iterations,
                "rounds_us": ",".join(str(round(value, 3)) for value in per_round),
            })


if __name__ == "__main__":
    main()
