#!/usr/bin/env python3
"""raw_latency.py -- the latency limit of a queue type: the anchors' latency scenario run by the
least worker there is.

  raw_latency.py --queue-type quorum|classic [bench_driver.py options, e.g. --scenarios latency]
  raw_latency.py --worker QUEUE               the worker process (the driver starts it)

The procedure is the anchors' own (`bench_driver.py`: 200 warm-up jobs, a quiet machine, then
300 jobs/s for 20 s on an absolute schedule; latency = the row's `created_at` - `enq`, the time
taken just before the publish), and so is the job (`bench_common.process_payload`: one
autocommit INSERT). What runs it is as little as a worker can be: one process, pika's
BlockingConnection, one consumer with prefetch 64, the job, then one basic.ack; the sender
publishes each job persistent through the default exchange without confirms, as dramatiq does.
No retries, no inbox, no framework.

Run on a quorum queue and on a classic one, it says what the queue type alone costs a job at
this rate, on this machine, in this session: the floor under any worker's latency on that queue
type. Records (bench_common.emit, to $BENCH_JSONL): systems `raw-worker-quorum` and
`raw-worker-classic`, scenario `latency@300/s`, metrics latency_p50 / latency_p99 / latency_max.

Run from the anchors' folder (bench/pipeline.sh does), or with BENCH_ANCHORS naming it: it
imports their bench_common and bench_driver.
"""

from __future__ import annotations

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


def main(argv: list[str]) -> None:
    if argv[:1] == ["--worker"] and len(argv) == 2:
        work(argv[1])
        return
    if argv[:1] != ["--queue-type"] or len(argv) < 2 or argv[1] not in QUEUE_TYPES:
        raise SystemExit("usage: raw_latency.py --queue-type quorum|classic [bench_driver options] | --worker QUEUE")
    adapter = RawWorkerAdapter(argv[1])
    try:
        bench_driver.main(adapter, argv[2:])
    finally:
        adapter.close()


if __name__ == "__main__":
    main(sys.argv[1:])
