"""What a publish costs the broker, by exchange type and message properties.

    scripts/services up
    /tmp/switchyard-bench-venv/bin/python bench/broker_publish_cost.py [--n 20000] [--window 64] [--rounds 2]

Publishes N persistent messages of a webhook's size (about 400 bytes) into `sy.work.analysis`
(the topology's quorum work queue, which must exist: `switchyard topology apply`) on a confirm
channel, at most WINDOW unconfirmed (64 is about one acceptance group of the ingress at 128
connections), in each of these ways, round after round:

    topic+contract      sy.events (the topology's topic exchange), routing key
                        conversation.ended, mandatory, the properties of Switchyard's message
                        contract (content type, persistent, message id, timestamp, type, app id,
                        headers sy-first-seen and sy-tenant): what the ingress sends for a webhook
    topic+minimal       the same exchange, persistent and nothing else
    topic1+contract     a topic exchange of its own with one binding
    direct+contract     a direct exchange of its own with one binding
    default+contract    the default exchange, straight to the queue
    default+minimal     the default exchange, persistent and nothing else

and prints the rate and the broker's CPU a message (its process's utime + stime from /proc,
the broker otherwise idle). The queue is purged before each and after the last, so the
benchmark refuses a queue that holds messages or has a consumer. Loopback only;
pika 1.4.4 from the broker benchmark's venv (bench/broker.sh makes it).
"""

import argparse
import os
import time
import urllib.parse
import uuid

import pika
from pika.spec import Basic

QUEUE = "sy.work.analysis"
KEY = "conversation.ended"
BODY = b'{"v":1,"conversation_id":"c-' + b"x" * 36 + b'","properties":{"transcript":"' + b"y" * 300 + b'"}}'


def contract_properties() -> pika.BasicProperties:
    now = time.time()
    return pika.BasicProperties(
        content_type="application/json", delivery_mode=2, message_id=str(uuid.uuid4()), timestamp=int(now),
        type=KEY, app_id="switchyard-ingress",
        headers={"sy-first-seen": int(now * 1000), "sy-tenant": str(uuid.uuid4())})


MINIMAL = pika.BasicProperties(delivery_mode=2)
VARIANTS = {
    "topic+contract": ("sy.events", KEY, True, False),
    "topic+minimal": ("sy.events", KEY, False, False),
    "topic1+contract": ("bench.cost.topic", KEY, True, True),
    "direct+contract": ("bench.cost.direct", KEY, True, True),
    "default+contract": ("", QUEUE, True, True),
    "default+minimal": ("", QUEUE, False, False),
}


class Publisher:
    """Publishes n messages on a confirm channel, at most `window` unconfirmed."""

    def __init__(self, params, exchange, key, properties, mandatory, n, window):
        self.params, self.exchange, self.key = params, exchange, key
        self.properties, self.mandatory, self.n, self.window = properties, mandatory, n, window
        self.published = self.confirmed = 0
        self.started = self.finished = None
        self.error = None

    def run(self, timeout: float = 300) -> None:
        self.connection = pika.SelectConnection(
            self.params, on_open_callback=lambda c: c.channel(on_open_callback=self.on_channel),
            on_open_error_callback=self.on_open_error, on_close_callback=lambda c, reason: c.ioloop.stop())
        self.connection.ioloop.call_later(timeout, self.abort)
        self.connection.ioloop.start()
        if self.error:
            raise SystemExit(self.error)

    def on_open_error(self, connection, error):
        self.error = f"connection failed: {error}"
        connection.ioloop.stop()

    def abort(self):
        self.error = self.error or f"no confirms for every message after the deadline ({self.confirmed}/{self.n})"
        self.connection.close()

    def on_channel(self, channel):
        self.channel = channel
        channel.confirm_delivery(ack_nack_callback=self.on_confirm, callback=self.on_confirm_mode)

    def on_confirm_mode(self, _frame):
        self.started = time.perf_counter()
        self.pump()

    def pump(self):
        while self.published < self.n and self.published - self.confirmed < self.window:
            self.channel.basic_publish(self.exchange, self.key, BODY, self.properties, mandatory=self.mandatory)
            self.published += 1

    def on_confirm(self, frame):
        method = frame.method
        if isinstance(method, Basic.Nack):
            self.error = f"the broker refused message {method.delivery_tag}"
            self.connection.close()
            return
        self.confirmed = max(self.confirmed, method.delivery_tag) if method.multiple else self.confirmed + 1
        if self.confirmed >= self.n:
            self.finished = time.perf_counter()
            self.connection.close()
        else:
            self.pump()


def broker_cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-url", default=os.environ.get("SWITCHYARD_AMQP_URL", "amqp://guest:guest@127.0.0.1:5680/%2F"))
    parser.add_argument("--pidfile", default=".services/rabbitmq/switchyard.pid", help="the broker's pid file")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.amqp_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"--amqp-url: expected a loopback host, got {host}")
    pid = int(open(args.pidfile).read().split()[0])
    params = pika.URLParameters(args.amqp_url)
    admin = pika.BlockingConnection(params)
    channel = admin.channel()
    queue = channel.queue_declare(QUEUE, passive=True).method
    if queue.consumer_count or queue.message_count:
        raise SystemExit(f"{QUEUE} has {queue.consumer_count} consumer(s) and {queue.message_count} message(s): this benchmark "
                         "purges it, so it runs only on an idle broker (scripts/services with no worker)")
    for exchange, kind in (("bench.cost.topic", "topic"), ("bench.cost.direct", "direct")):
        channel.exchange_declare(exchange, kind, auto_delete=False)
        channel.queue_bind(QUEUE, exchange, KEY)
    print("round | variant | msg/s | broker CPU a message (us)")
    try:
        for turn in range(1, args.rounds + 1):
            for name, (exchange, key, contract, mandatory) in VARIANTS.items():
                channel.queue_purge(QUEUE)
                admin.sleep(1)
                properties = contract_properties() if contract else MINIMAL
                before = broker_cpu_seconds(pid)
                publisher = Publisher(params, exchange, key, properties, mandatory, args.n, args.window)
                publisher.run()
                cpu = broker_cpu_seconds(pid) - before
                rate = args.n / (publisher.finished - publisher.started)
                print(f"{turn} | {name} | {rate:.0f} | {1e6 * cpu / args.n:.1f}", flush=True)
    finally:
        channel.queue_purge(QUEUE)
        channel.exchange_delete("bench.cost.topic")
        channel.exchange_delete("bench.cost.direct")
        admin.close()


if __name__ == "__main__":
    main()
