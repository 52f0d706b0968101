#!/usr/bin/env python3
"""raw_latency.py -- what a queue type costs a job: the anchors' latency scenario run by the least
worker there is, on a quorum and on a classic queue.

  raw_latency.py --queue-type quorum|classic [--runs 1] [--first-run 1] [--rate 300] [--duration 20]
                 [--warmup 200] [--quiet-wait 20] [--logdir DIR] [--scenarios latency]
                 (bench_driver.py's options; its --n is accepted and ignored: only the latency
                 scenario runs)
  raw_latency.py --worker QUEUE               the worker process (the driver starts it)

The procedure is the anchors' own (`bench_driver.py`: 200 warm-up jobs, a quiet machine, then
300 jobs/s for 20 s on an absolute schedule; latency = the row's `created_at` - `enq`, the time
taken just before the publish), and so is the job (`bench_common.process_payload`: one
autocommit INSERT). What runs it is as little as a worker can be: one process, pika's
BlockingConnection, one consumer with prefetch 64, the job, then one basic.ack; the sender
publishes each job persistent through the default exchange without confirms, as dramatiq does.
No retries, no inbox, no framework.

The same worker run on a quorum queue and on a classic one says what the queue type costs a job
at this rate, on this machine, in this session. It is not a floor under every worker: pika and
Python take their own time (a worker in a compiled language can be faster, on a classic queue
ours is). So each run also reports the delivery time: from `enq` to the job's start in the
worker (`started`, which the job stores), the publish, the broker's hop and pika's reading of
the frames, nearly all of it the broker's on a quorum queue. Records (bench_common.emit, to
$BENCH_JSONL): systems `raw-worker-quorum` and `raw-worker-classic`, scenario `latency@300/s`,
metrics latency_p50 / latency_p99 / latency_max (as the anchors' scenario) and delivery_p50 /
delivery_p99.

Run from the anchors' folder (bench/pipeline.sh does), or with BENCH_ANCHORS naming it: it
imports their bench_common and bench_driver.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.environ.get("BENCH_ANCHORS", os.getcwd()))

import bench_common as bc  # noqa: E402
import bench_driver  # noqa: E402

PREFETCH = 64
QUEUE_TYPES = ("quorum", "classic")


def queue_name(queue_type: str) -> str:
    return f"anchor.rawlat.{queue_type}"


class RawWorkerAdapter(bench_driver.Adapter):
    """The least worker, on a fresh durable queue of one type."""

    def __init__(self, queue_type: str):
        import pika

        self.system = f"raw-worker-{queue_type}"
        self.queue = queue_name(queue_type)
        self.queues = [self.queue]
        connection = pika.BlockingConnection(bc.amqp_params())
        channel = connection.channel()
        channel.queue_delete(self.queue)
        channel.queue_declare(self.queue, durable=True, arguments={"x-queue-type": queue_type})
        connection.close()
        self.connection = pika.BlockingConnection(bc.amqp_params())
        self.channel = self.connection.channel()
        self.properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")

    def send(self, payload: dict) -> None:
        self.channel.basic_publish("", self.queue, json.dumps(payload).encode(), self.properties)

    def worker_cmds(self) -> list[list[str]]:
        return [[sys.executable, os.path.abspath(__file__), "--worker", self.queue]]

    def close(self) -> None:
        import pika

        connection = pika.BlockingConnection(bc.amqp_params())
        connection.channel().queue_delete(self.queue)
        connection.close()
        self.connection.close()


def work(queue: str) -> None:
    """Consumes until SIGTERM: the job, then the ack."""
    import pika

    connection = pika.BlockingConnection(bc.amqp_params())
    channel = connection.channel()
    channel.basic_qos(prefetch_count=PREFETCH)

    def on_message(ch, method, _properties, body):
        bc.process_payload(json.loads(body), 0)
        ch.basic_ack(method.delivery_tag)

    def on_term(_signum, _frame):
        connection.add_callback_threadsafe(channel.stop_consuming)

    signal.signal(signal.SIGTERM, on_term)
    channel.basic_consume(queue, on_message)
    channel.start_consuming()
    connection.close()


def emit_delivery(adapter: RawWorkerAdapter, args, run: int) -> None:
    """Delivery time (`started` - `enq`) of the run's jobs, before the next run truncates them."""
    lo, hi = bench_driver.LAT_BASE, bench_driver.LAT_BASE + int(args.rate * args.duration) - 1
    with bc.pg_connect() as connection:
        rows = connection.execute(
            "SELECT (payload->>'started')::float8 - (payload->>'enq')::float8 FROM results WHERE id BETWEEN %s AND %s",
            (lo, hi)).fetchall()
    delivery = sorted(r[0] for r in rows)
    scenario = f"latency@{args.rate:g}/s"
    for q in (50, 99):
        bc.emit(adapter.system, scenario, f"delivery_p{q}", bc.percentile(delivery, q) * 1000, "ms", run, jobs=len(delivery),
                note="enq -> the job's start in the worker: publish, broker, pika")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--worker"] and len(argv) == 2:
        work(argv[1])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queue-type", required=True, choices=QUEUE_TYPES)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--first-run", type=int, default=1)
    ap.add_argument("--rate", type=float, default=300.0)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--quiet-wait", type=float, default=20.0)
    ap.add_argument("--logdir", default=os.environ.get("BENCH_LOGDIR", "/tmp/bench-out/logs"))
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--scenarios", default="latency", help="latency, the only scenario here")
    args = ap.parse_args(argv)
    if args.scenarios.split(",") != ["latency"]:
        ap.error(f"--scenarios: only 'latency' runs here, got '{args.scenarios}'")
    os.makedirs(args.logdir, exist_ok=True)
    adapter = RawWorkerAdapter(args.queue_type)
    try:
        for run in range(args.first_run, args.first_run + args.runs):
            bc.reset_results()
            bc.purge_queues(adapter.queues)
            with bench_driver.Workers(adapter, args.logdir, f"latency-run{run}") as workers:
                bench_driver.scenario_latency(adapter, args, run, workers)
            emit_delivery(adapter, args, run)
        bc.reset_results()
    finally:
        adapter.close()


if __name__ == "__main__":
    main(sys.argv[1:])
