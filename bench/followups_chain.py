"""One phase of bench/followups.sh: probe.run events that each ask for one follow-up, published
with confirms at a fixed rate; once every follow-up has run, the chain step's latency: from the
start of the transaction that committed a probe (and wrote its follow-up to the outbox) to the
start of the transaction that committed its follow-up, both `probe_results.completed_at` on the
database's clock. The first WARMUP probes are not counted. Prints one JSON line.

    python followups_chain.py --label new-1 --n 4500 --rate 300 [--warmup 300]
"""
import argparse
import json
import os
import time
import uuid

import pika
import psycopg


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--n", type=int, default=4500)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    prefix = f"{args.label}-{uuid.uuid4().hex[:8]}"

    connection = pika.BlockingConnection(pika.URLParameters(os.environ["SWITCHYARD_AMQP_URL"]))
    channel = connection.channel()
    channel.confirm_delivery()
    start = time.monotonic()
    for index in range(args.n):
        body = json.dumps({"v": 1, "id": f"c-{prefix}-{index}", "follow_up": f"n-{prefix}-{index}"})
        channel.basic_publish("sy.events", "probe.run", body, pika.BasicProperties(
            content_type="application/json", delivery_mode=2, message_id=str(uuid.uuid4()), type="probe.run"))
        wait = start + (index + 1) / args.rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    sent_for = time.monotonic() - start
    connection.close()

    database = psycopg.connect(os.environ["SWITCHYARD_DATABASE_URL"], autocommit=True)
    deadline = time.monotonic() + args.timeout
    while database.execute("SELECT count(*) FROM probe_results WHERE id LIKE %s", (f"n-{prefix}-%",)).fetchone()[0] < args.n:
        if time.monotonic() > deadline:
            raise SystemExit(f"followups_chain.py: not every follow-up ran within {args.timeout} s")
        time.sleep(0.2)
    p50, p90, p99, worst = database.execute(
        """
        SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM b.completed_at - a.completed_at) * 1000)
        FROM probe_results a JOIN probe_results b ON b.id = 'n' || substr(a.id, 2)
        WHERE a.id LIKE %s AND reverse(split_part(reverse(a.id), '-', 1))::int >= %s
        """, (f"c-{prefix}-%", args.warmup)).fetchone()[0]
    print(json.dumps({
        "label": args.label, "n": args.n, "rate": args.rate, "achieved_rate": round(args.n / sent_for, 1),
        "step_p50_ms": round(p50, 2), "step_p90_ms": round(p90, 2), "step_p99_ms": round(p99, 2),
        "step_max_ms": round(worst, 2),
    }))


if __name__ == "__main__":
    main()
