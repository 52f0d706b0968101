#!/usr/bin/env python3
"""Where a conversation's time goes between the fleet, the broker and the database.

Reads a loopback capture of a `bench/development.sh` run (`CAPTURE=1` takes it: the AMQP and
Postgres ports during the fixed-rate phase) with tshark's AMQP and PostgreSQL dissectors, and
follows each conversation by its packets: the ingress's `conversation.ended` publish, its
delivery to the worker, the worker's analysis commit, the `plan.requested` publish, its
delivery, the planning stage's read and its commit. Each step is the time between two packets,
so it says who held the conversation: the broker (publish to delivery), the database (a query
to its answer) or the worker (a packet in to the next packet out).

Matching goes by order, which holds while conversations don't overlap (the bench's fixed rate:
a conversation takes a few milliseconds, the next starts 20 ms later); an overlapping one can
pair with its neighbour's packets and shows in the max column, not the medians.

usage: development_hops.py CAPTURE.pcap --amqp-port 5680 --pg-port 5440 --worker-pg-ports 41000,41002
"""
import argparse
import statistics
import subprocess
import sys


def packets(path, amqp_port, pg_port):
    fields = ["frame.time_epoch", "tcp.srcport", "tcp.dstport", "_ws.col.Info"]
    out = subprocess.run(
        ["tshark", "-r", path, "-d", f"tcp.port=={amqp_port},amqp", "-d", f"tcp.port=={pg_port},pgsql", "-T", "fields"]
        + [arg for field in fields for arg in ("-e", field)],
        capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1] and parts[2]:
            rows.append((float(parts[0]), int(parts[1]), int(parts[2]), parts[3]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--amqp-port", type=int, default=5680)
    parser.add_argument("--pg-port", type=int, default=5440)
    parser.add_argument("--worker-pg-ports", required=True, help="the worker's local ports of its Postgres connections")
    args = parser.parse_args()
    worker = {int(port) for port in args.worker_pg_ports.split(",") if port}
    rows = packets(args.capture, args.amqp_port, args.pg_port)

    def query(i):  # a worker's query (frontend messages start with '>')
        return rows[i][2] == args.pg_port and rows[i][1] in worker and rows[i][3].startswith(">")

    def answer(i, port=None):  # the database's full answer (up to ReadyForQuery) to a worker's connection
        to = rows[i][2]
        return rows[i][1] == args.pg_port and (to == port if port else to in worker) and rows[i][3].startswith("<") and "Z" in rows[i][3]

    def find(start, step, test):  # the first index from start, going by step, where test holds
        i = start
        while 0 <= i < len(rows):
            if test(i):
                return i
            i += step
        return None

    def after(i, test):
        return None if i is None else find(i + 1, 1, test)

    def before(i, test):
        return None if i is None else find(i - 1, -1, test)

    def single(i, method, key):  # a frame holding exactly one such method
        info = rows[i][3]
        return info.startswith(f"Basic.{method}") and info.count(f"Basic.{method}") == 1 and f"rk={key}" in info

    steps = {
        "analysis: ingress publish -> delivery to the worker (broker)": [],
        "analysis: delivery -> the commit's queries sent (worker, the analyst included)": [],
        "analysis: the commit's queries -> answer (database, with the WAL flush)": [],
        "analysis: answer -> plan.requested published (worker)": [],
        "planning: publish -> delivery (broker)": [],
        "planning: delivery -> the project's read sent (worker)": [],
        "planning: read -> answer (database)": [],
        "planning: answer -> the commit's queries sent (worker, the planner included)": [],
        "planning: the commit's queries -> answer (database, with the WAL flush)": [],
    }
    ms = lambda a, b: (rows[b][0] - rows[a][0]) * 1000
    for i in range(len(rows)):
        if not single(i, "Publish", "plan.requested"):
            continue
        answered = before(i, answer)
        commit = before(answered, lambda j: query(j) and rows[j][1] == rows[answered][2])
        delivered = after(i, lambda j: single(j, "Deliver", "plan.requested"))
        read = after(delivered, query)
        read_answer = after(read, lambda j: answer(j, rows[read][1]))
        plan_commit = after(read_answer, query)
        plan_answer = after(plan_commit, lambda j: answer(j, rows[plan_commit][1]))
        ended = before(commit, lambda j: single(j, "Deliver", "conversation.ended"))
        published = before(ended, lambda j: single(j, "Publish", "conversation.ended"))
        if None in (commit, plan_answer, published):
            continue
        values = [ms(published, ended), ms(ended, commit), ms(commit, answered), ms(answered, i), ms(i, delivered),
                  ms(delivered, read), ms(read, read_answer), ms(read_answer, plan_commit), ms(plan_commit, plan_answer)]
        for name, value in zip(steps, values):
            steps[name].append(value)

    count = len(next(iter(steps.values())))
    if count == 0:
        sys.exit("no conversation found in the capture")
    print(f"{count} conversations; milliseconds")
    print(f"| step | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|")
    for name, values in steps.items():
        values.sort()
        pick = lambda q: values[min(len(values) - 1, int(len(values) * q))]
        print(f"| {name} | {statistics.median(values):.3f} | {pick(0.9):.3f} | {pick(0.99):.3f} | {values[-1]:.3f} |")


if __name__ == "__main__":
    main()
