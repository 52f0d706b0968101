#!/usr/bin/env python3
"""bench/jsonpath_report.py RECORDS.jsonl -- the JSONPath benchmark's table (markdown).

Per query and mode: the median over runs of each system's microseconds per evaluation (itself
the median of its rounds), and the peer's time divided by ours (above 1: we are faster). A query
whose systems selected different numbers of nodes is flagged.
"""
import collections
import json
import statistics
import sys

MODES = [("values_us", "values"), ("nodes_us", "nodes + paths"), ("compile_values_us", "parse + evaluate")]


def main(path):
    figures = collections.defaultdict(list)
    nodes = collections.defaultdict(set)
    queries = {}
    systems = set()
    with open(path, encoding="utf-8") as records:
        for line in records:
            record = json.loads(line)
            system = "ours" if record["system"] == "switchyard" else "peer"
            systems.add(record["system"])
            figures[(record["scenario"], record["metric"], system)].append(record["value"])
            nodes[record["scenario"]].add(record["nodes"])
            queries[record["scenario"]] = record["query"]
    peer = next((name for name in sorted(systems) if name != "switchyard"), "peer")
    print(f"| query | mode | ours µs | {peer} µs | peer / ours |")
    print("|---|---|---:|---:|---:|")
    for scenario, query in queries.items():
        flag = "" if len(nodes[scenario]) == 1 else " **(node counts differ)**"
        for metric, mode in MODES:
            ours = figures.get((scenario, metric, "ours"))
            theirs = figures.get((scenario, metric, "peer"))
            if not ours or not theirs:
                continue
            ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
            label = f"{scenario} `{query}` ({min(nodes[scenario])} nodes){flag}"
            print(f"| {label} | {mode} | {ours_median:.2f} | {theirs_median:.2f} | {theirs_median / ours_median:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
