#!/usr/bin/env python3
"""Hostile input against a running Switchyard ingress, and through it the workers behind it.

Usage: fuzz_fleet.py --port P --key K --tavus-secret S --kiro-secret S --user U --chatbot C
                     [--operator-token T] [--metrics-port P] [--management-url U --vhost V --tenant T]
                     [--switchyard PATH]
                     [--seconds N] [--seed N] [--idle-timeout N] [--targets A,B]

Starts from valid requests (signed webhooks of both vendors, every producer event type of
GET /v1/event-types, batches, workflows and their jobs, automations, generations, transformers,
reads of what it created, live-update streams with their Last-Event-ID, with an operator's token
the console's pages, forms and live views, and with a worker's metrics port its routes) and
mutates them: values swapped for hostile ones (huge, deep, wide,
NUL, lone surrogates, numbers past every integer type, internal addresses, JSONPath and template
syntax), fields dropped, added and retyped, JSON text cut and bytes flipped; signed webhooks are
signed after the mutation, so they reach the event checks. A share of the requests are raw bytes
that break HTTP (framing, header, chunking, method and version mutations), to the ingress and
the metrics port. With the broker's management API it also publishes messages of every event
type (system ones too) straight to the events exchanges, their bodies, headers and properties
mutated, tagged app_id "fuzz-broker"; what becomes of them is checked by the caller (the queues
drain, no process dies or loses a connection). With the executable, it runs `switchyard`
commands with hostile arguments and settings: each must end with 0, 1 or 2, a refusal in one line.

Every answer must hold the fleet's rule for hostile input: a status under 500 (or a 503 with
Retry-After), and for every 4xx and 5xx a JSON body {"error": {"code", "message", ...}} (the
console, a browser's, answers a page naming the problem); a sign-in redirects only into the
console, whatever `next` it was given; every
request is answered within 15 s, or, for raw bytes that leave a request incomplete, the
connection closed within the idle timeout and a margin. At the end /readyz must be 200.

Prints one JSON line: {"requests", "by_status", "failures": [...]} (each failure with the seed,
the request number and a reproducer), and exits 1 when there is a failure. Deterministic for a
seed, but for what the server's timing changes.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import random
import re
import select
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid

ANSWER_TIMEOUT = 15.0
# Filters of `dlq replay` and `dlq purge` that select dead letters the fuzzing leaves behind.
DLQ_QUEUES = ["sy.work.analysis", "sy.work.planning", "sy.work.build", "sy.work.workflow", "sy.work.automations", "sy.work.imagegen"]
DLQ_CLASSES = ["validation", "permanent", "delivery_limit", "invalid_plan"]
DLQ_AGES = ["1h", "10m", "1d"]
LARGE_BODY = 256 << 10  # the default SWITCHYARD_HTTP_BODY_LIMIT: a body past it may be refused, and its connection closed, before it is all sent

HOSTILE_STRINGS = [
    "", " ", "\u0000", "a\u0000b", "\u202egnp.exe", "\U0001f4a5" * 40, "x" * 70_000, "../../../etc/passwd",
    "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:1/", "http://[::1]:5432/", "file:///etc/passwd",
    "$..*", "$[?@.a == 1]", "$.a[-9223372036854775808:9223372036854775807:-1]", "{{secrets.api_key}}", "{{", "}}",
    "' OR 1=1 --", "\r\nX-Injected: 1", "%00", "\\", '"', "null", "-1", "1e999", "NaN", "<script>alert(1)</script>",
    "\ud800", "\udfff\ud800", "\t\n\r\x0b\x0c", "refund" * 5_000, "a" * 2_001, "(a+)+$", "(a|aa)*b", "a{1000}{1000}", "a" * 30_000 + "!",
]
HOSTILE_NUMBERS = [
    0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, 1e308, -1e308,
    0.5, -0.0, 5e-324, 101, -101, 3000000000,
]
RAW_NUMBERS = ["1e400", "-1e400", "1E+99999", "0." + "0" * 400 + "1", "1" * 500, "-0", "00", "1.", ".5", "+1", "0x10", "Infinity"]


class Failure(Exception):
    pass


def deep(depth, leaf="1"):
    return "[" * depth + leaf + "]" * depth


def hostile_value(rng):
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(HOSTILE_STRINGS)
    if roll < 0.65:
        return rng.choice(HOSTILE_NUMBERS)
    if roll < 0.75:
        return rng.choice([None, True, False, [], {}, [None] * 1_000, {"k" * 5_000: 1}])
    if roll < 0.85:
        return {f"k{i}": i for i in range(rng.choice([100, 5_000]))}
    if roll < 0.95:
        return [rng.choice(HOSTILE_STRINGS[:6])] * rng.choice([10, 10_000])
    return RawJSON(rng.choice(RAW_NUMBERS + [deep(100), deep(1_000), deep(20_000), '{"a":' * 5_000 + "1" + "}" * 5_000]))


class RawJSON:
    """JSON text spliced into a document as it is (numbers and depths `json.dumps` can't write)."""

    def __init__(self, text):
        self.text = text


def encode(value, ascii_only=False):
    """JSON text of `value`, with RawJSON placed verbatim; `ascii_only` escapes every non-ASCII
    character, so a lone surrogate goes out as the escape `\\ud800`, not as bytes."""
    raws = []

    def swap(v):
        if isinstance(v, RawJSON):
            raws.append(v.text)
            return f"\u0001RAW{len(raws) - 1}\u0001"
        if isinstance(v, dict):
            return {k: swap(x) for k, x in v.items()}
        if isinstance(v, list):
            return [swap(x) for x in v]
        return v

    text = json.dumps(swap(value), ensure_ascii=ascii_only)
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\u0001RAW{i}\u0001"), raw)
    return text


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value[:20]):
            yield from paths(child, prefix + (index,))


def mutate_value(value, rng):
    """`value` with one to three structural mutations."""
    value = json.loads(json.dumps(value))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(list(paths(value)))
        if not path:
            if rng.random() < 0.1:
                value = hostile_value(rng)
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        roll = rng.random()
        if roll < 0.6:
            parent[last] = hostile_value(rng)
        elif roll < 0.75 and isinstance(parent, dict):
            del parent[last]
        elif roll < 0.9 and isinstance(parent, dict):
            parent[rng.choice(["extra", "v", "__proto__", "", "x" * 300])] = hostile_value(rng)
        else:
            parent[last] = [parent[last]] if rng.random() < 0.5 else {"value": parent[last]}
    return value


def mutate_text(text, rng):
    """Byte-level damage to JSON text, now and then."""
    data = text.encode("utf-8", "surrogatepass")
    roll = rng.random()
    if roll < 0.75 or not data:
        return data
    if roll < 0.8:
        return data[: rng.randrange(len(data))]
    if roll < 0.85:
        at = rng.randrange(len(data))
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    if roll < 0.9:
        return data.replace(b"{", b'{"v":2,', 1)
    if roll < 0.95:
        return rng.choice([b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\x00"]) + data
    return data + rng.choice([b" trailing", b"{}", b"\x00", b"]"])


def response_head(head):
    """The status and the headers (lower-case names) of an HTTP/1.1 response head, or None when
    it isn't one."""
    if not head.startswith(b"HTTP/1.1 ") or not head[9:12].isdigit():
        return None
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return int(head[9:12]), headers


def standard_webhook_signature(secret, message_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.requests = 0
        self.by_status = {}
        self.failures = []
        self.connections = {}  # port -> http.client.HTTPConnection
        self.pending_raw = []  # (socket, deadline, reproducer)
        self.created = {"job": [], "workflow": ["echo"], "automation": [], "generation": [], "project": []}
        self.idempotency_keys = []  # keys sent before, sent again with the same or another body
        self.event_types = []
        self.all_event_types = []
        self.broker_routed = 0
        self.streams_opened = 0
        self.metrics_answered = {}
        self.last_headers = {}
        self.console_cookie = None
        self.console_csrf = None

    # -- the checks ------------------------------------------------------------------------------

    def fail(self, what, reproducer):
        if len(self.failures) < 50:
            self.failures.append({"seed": self.args.seed, "request": self.requests, "problem": what, "request_sent": reproducer})

    def check(self, status, headers, body, reproducer):
        self.by_status[status] = self.by_status.get(status, 0) + 1
        if status >= 500 and not (status == 503 and headers.get("retry-after")):
            self.fail(f"status {status}", reproducer | {"answer": body[:300].decode("utf-8", "replace")})
            return
        if status >= 400 and reproducer.get("path", "").startswith("/console") and "text/html" in headers.get("content-type", ""):
            # The console is a browser's: its problems are pages that say what was wrong.
            if b'class="problem"' not in body and b"<h1>" not in body:
                self.fail(f"{status} console page that names no problem", reproducer | {"answer": body[:300].decode("utf-8", "replace")})
            return
        if status >= 400 and reproducer.get("method") != "HEAD":
            try:
                error = json.loads(body)["error"]
                assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str)
            except Exception:
                self.fail(f"{status} without a JSON error body", reproducer | {"answer": body[:300].decode("utf-8", "replace")})
                return
            if "json" not in headers.get("content-type", ""):
                self.fail(f"{status} whose content type is {headers.get('content-type')!r}", reproducer)

    # -- well-formed HTTP ------------------------------------------------------------------------

    def send(self, method, path, body=None, headers=None, auth=True, port=None):
        port = port or self.args.port
        headers = dict(headers or {})
        if auth:
            headers.setdefault("Authorization", f"Bearer {self.args.key}")
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        reproducer = {"method": method, "path": path[:300], "port": port, "headers": {k: v[:200] for k, v in headers.items() if k != "Authorization"},
                      "body_bytes": len(body or b""), "body_head": (body or b"")[:300].decode("utf-8", "replace")}
        for attempt in range(2):
            if port not in self.connections:
                self.connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_TIMEOUT)
            connection = self.connections[port]
            try:
                try:
                    connection.request(method, path, body=body, headers=headers)
                except (ConnectionResetError, BrokenPipeError):
                    if len(body or b"") <= LARGE_BODY:
                        raise
                    # The server refused the body by its length and closed before it all went out.
                    self.close(port)
                    self.requests += 1
                    self.by_status["reset while sending a large body"] = self.by_status.get("reset while sending a large body", 0) + 1
                    return None, b""
                response = connection.getresponse()
                answer = response.read()
                status = response.status
                answer_headers = {k.lower(): v for k, v in response.getheaders()}
                self.last_headers = answer_headers
                if answer_headers.get("connection", "").lower() == "close":
                    self.close(port)
                self.requests += 1
                self.check(status, answer_headers, answer, reproducer)
                return status, answer
            except (http.client.InvalidURL, ValueError, UnicodeEncodeError):
                # A request Python's client won't write (control characters in a header or path).
                self.close(port)
                return None, b""
            except socket.timeout:
                self.requests += 1
                self.fail(f"no answer within {ANSWER_TIMEOUT} s", reproducer)
                self.close(port)
                return None, b""
            except (ConnectionError, http.client.HTTPException, OSError) as error:
                self.close(port)
                if attempt == 1:
                    self.requests += 1
                    self.fail(f"connection failed twice: {error!r}", reproducer)
        return None, b""

    def close(self, port=None):
        for key in [port] if port else list(self.connections):
            connection = self.connections.pop(key, None)
            if connection is not None:
                connection.close()

    def send_json(self, method, path, value, rng_text=True, headers=None):
        text = encode(value, ascii_only=self.rng.random() < 0.5)
        body = mutate_text(text, self.rng) if rng_text else text.encode("utf-8", "surrogatepass")
        status, answer = self.send(method, path, body=body, headers=headers)
        try:
            return status, json.loads(answer) if answer else None
        except ValueError:
            return status, None

    def idempotency_headers(self, chance):
        """Sometimes an `Idempotency-Key`: fresh, one used before (often with another body), or hostile."""
        rng = self.rng
        if rng.random() >= chance:
            return None
        roll = rng.random()
        if roll < 0.4 or not self.idempotency_keys:
            key = f"fz-{rng.getrandbits(48):x}"
            if len(self.idempotency_keys) < 50:
                self.idempotency_keys.append(key)
        elif roll < 0.8:
            key = rng.choice(self.idempotency_keys)
        else:
            key = rng.choice(["", " ", "k" * 200, "k" * 201, "k" * 5_000, "\u00e9t\u00e9", "key\twith tab", "key\x7f", "'; DROP TABLE idempotency_keys; --",
                              "%00", "\\", '"quoted"', "\u2028", "\U0001F600" * 50, "\xff\xfe"])
        # http.client writes a header as Latin-1 (and refuses what isn't): a key beyond it goes out as
        # its UTF-8 bytes; "\xff\xfe" stays two bytes that are not UTF-8.
        return {"Idempotency-Key": key if key.isascii() or key == "\xff\xfe" else key.encode("utf-8").decode("latin-1")}

    # -- the targets -----------------------------------------------------------------------------

    def webhook(self):
        rng = self.rng
        if rng.random() < 0.5:
            source, secret = "tavus", self.args.tavus_secret
            seed = {"event_type": "conversation_ended", "conversation_id": f"fz-{uuid.UUID(int=rng.getrandbits(128))}",
                    "properties": {"transcript": [{"role": "user", "content": "We need a booking app for our flower shops, paid with Stripe."},
                                                  {"role": "assistant", "content": "When do you need it?"}]}}
        else:
            source, secret = "kiro", self.args.kiro_secret
            seed = {"event": rng.choice(["build_progress", "build_completed", "build_failed", "build_queued"]),
                    "build_id": rng.choice(self.created["project"] or ["b-1"]), "sequence": rng.randrange(100),
                    "progress": rng.randrange(101), "message": "compiling"}
        body = mutate_text(encode(mutate_value(seed, rng) if rng.random() < 0.9 else seed, ascii_only=rng.random() < 0.5), rng)
        message_id = f"fz-{rng.getrandbits(64):x}"
        timestamp = int(time.time())
        if rng.random() < 0.1:
            message_id = rng.choice(["", "x" * 5_000, "id with spaces", "\u00e9t\u00e9"])
        if rng.random() < 0.05:
            timestamp = rng.choice([0, -1, 2**63, timestamp + 10**9])
        headers = {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
                   "webhook-signature": standard_webhook_signature(secret, message_id, timestamp, body)}
        if rng.random() < 0.05:
            headers["webhook-signature"] = " ".join([headers["webhook-signature"]] * rng.choice([2, 500]))
        self.send("POST", f"/v1/webhooks/{source}", body=body, headers=headers, auth=False)

    def event(self):
        rng = self.rng
        name, example = rng.choice(self.event_types)
        example = json.loads(json.dumps(example).replace("0b7c6f4e-4c1a-4d3e-9a57-2f1d8e6b5a90", self.args.chatbot))
        envelope = {"type": name, "body": example}
        mutated = mutate_value(envelope, rng) if rng.random() < 0.9 else envelope
        headers = self.idempotency_headers(0.4)
        if rng.random() < 0.2:
            small = len(encode(mutated)) < 10_000
            self.send_json("POST", "/v1/events:batch", {"events": [mutated] * rng.choice([1, 2, 50, 1_001] if small else [1, 2])}, headers=headers)
        else:
            self.send_json("POST", "/v1/events", mutated, headers=headers)

    WORKFLOW = {
        "name": "fuzzed",
        "definition": {
            "start_step": "pick",
            "steps": {
                "pick": {"transformer_id": "map", "input_map": {"all": "$.job_input", "first": "$.job_input.items[0]"},
                         "branches": [{"when": "$.pick.output.first", "next_step": "echo"}], "next_step": "wait"},
                "echo": {"transformer_id": "echo", "input_map": {"said": "$.pick.output.all"}, "next_step": "wait"},
                "wait": {"transformer_id": "delay", "input_map": {"seconds": "$.job_input.pause"}},
            },
            "output_map": {"result": "$.echo.output", "big": "$.job_input.items[?@ > 1]", "last": "$.job_input.items[-1]"},
        },
    }

    def workflow(self):
        rng = self.rng
        workflow_id = f"fz-{rng.randrange(8)}"
        status, _ = self.send_json("PUT", f"/v1/workflows/{workflow_id}", mutate_value(self.WORKFLOW, rng) if rng.random() < 0.8 else self.WORKFLOW)
        if status in (200, 201) and workflow_id not in self.created["workflow"]:
            self.created["workflow"].append(workflow_id)
        for _ in range(rng.randint(1, 3)):
            job_input = {"input": {"items": [1, 2, 3], "pause": 0, "text": "hello"}}
            status, answer = self.send_json(
                "POST", f"/v1/workflows/{rng.choice(self.created['workflow'])}/jobs",
                mutate_value(job_input, rng) if rng.random() < 0.8 else job_input, headers=self.idempotency_headers(0.2))
            if status == 201 and isinstance(answer, dict) and len(self.created["job"]) < 200:
                self.created["job"].append(answer.get("job_id", ""))

    def transformer(self):
        seed = {"type": "http", "description": "fuzzed",
                "config": {"url": "http://127.0.0.1:1/x", "method": "POST", "headers": {"X-Key": "{{secrets.k}}"}, "secrets": {"k": "v"}}}
        self.send_json("PUT", f"/v1/transformers/fz-{self.rng.randrange(4)}", mutate_value(seed, self.rng))

    def automation(self):
        rng = self.rng
        seed = {"name": "fuzzed", "workflow_id": "echo",
                "trigger": {"event_type": "chatbot.sentiment.analysed", "match": "all",
                            "conditions": [{"path": "$.polarity", "op": "lt", "value": -0.5}, {"path": "$.text", "op": "matches", "value": "refund|cancel"}]},
                "input_map": {"text": "$.event.text", "chatbot": "$.chatbot.name"}}
        status, answer = self.send_json("POST", f"/v1/chatbots/{self.args.chatbot}/automations", mutate_value(seed, rng) if rng.random() < 0.8 else seed)
        if status == 201 and isinstance(answer, dict) and len(self.created["automation"]) < 100:
            self.created["automation"].append(answer.get("id", ""))
        if self.created["automation"] and rng.random() < 0.3:
            target = rng.choice(self.created["automation"])
            self.send_json("PATCH", f"/v1/automations/{target}", mutate_value({"enabled": rng.random() < 0.5, "name": "renamed"}, rng))

    def generation(self):
        seed = {"user_id": self.args.user, "prompt": "Five ways a bakery wins regulars", "slide_count": 3, "style": {"background": "#fff8e7", "accent": "#c0392b"}}
        status, answer = self.send_json("POST", "/v1/generations", mutate_value(seed, self.rng) if self.rng.random() < 0.9 else seed,
                                        headers=self.idempotency_headers(0.2))
        if status in (201, 202) and isinstance(answer, dict) and len(self.created["generation"]) < 100:
            self.created["generation"].append(answer.get("generation_id", ""))

    def read(self):
        rng = self.rng
        kind = rng.choice(["job", "generation", "automation", "project"])
        known = self.created[kind] or [str(uuid.UUID(int=0))]
        ident = rng.choice(known) if rng.random() < 0.7 else rng.choice(["x", "%00", "..%2F..", "9" * 400, str(uuid.UUID(int=rng.getrandbits(128)))])
        path = {"job": f"/v1/jobs/{ident}", "generation": f"/v1/generations/{ident}", "automation": f"/v1/automations/{ident}/changes",
                "project": f"/v1/projects/{ident}"}[kind]
        if rng.random() < 0.3:
            query = rng.choice(["limit", "status", "after", "conversation_id", "cursor", "before"])
            value = rng.choice(["-1", "0", "99999999999999999999", "%00", "%ff", "a" * 3_000, "pending", "%E2%80%AE"])
            path = rng.choice(["/v1/jobs", "/v1/projects", f"/v1/chatbots/{self.args.chatbot}/executions"]) + f"?{query}={value}"
        if kind == "generation" and rng.random() < 0.3:
            path = f"/v1/generations/{ident}/slides/{rng.choice(['0', '1', '-1', '99999999999', 'x'])}"
        self.send("GET", path)

    # -- live updates ----------------------------------------------------------------------------

    LAST_EVENT_IDS = ["0", "1", "2", "-1", "99999999999999999999", "9223372036854775807", "9223372036854775808", " 3 ", "1e3",
                      "abc", "\u00e9", "0x10", "", "3, 4", "+1", "00000000000000000000001", "1\x00"]

    def stream(self):
        """A live-update stream (the API's, or the console's with `after`), with a hostile
        Last-Event-ID now and then: read its head and first bytes, then hang up."""
        rng = self.rng
        kind = rng.choice(["jobs", "projects", "generations"])
        if kind == "projects" and not self.created["project"]:
            status, answer = self.send("GET", "/v1/projects?limit=50")
            if status == 200:
                for found in re.finditer(rb'"id"\s*:\s*"([0-9a-f-]{36})"', answer or b""):
                    self.created["project"].append(found.group(1).decode())
        known = self.created[kind.rstrip("s")]
        ident = rng.choice(known) if known and rng.random() < 0.8 else rng.choice(
            [str(uuid.UUID(int=rng.getrandbits(128))), "x", "%00", "9" * 400])
        last_event_id = rng.choice(self.LAST_EVENT_IDS) if rng.random() < 0.6 else None
        if self.console_cookie and rng.random() < 0.3:
            after = "" if last_event_id is None else "?" + urllib.parse.urlencode({"after": last_event_id}, errors="surrogatepass")
            path, lines = f"/console/live/{kind}/{ident}{after}", [b"Cookie: " + self.console_cookie.encode()]
        else:
            path, lines = f"/v1/{kind}/{ident}/events", [b"Authorization: Bearer " + self.args.key.encode()]
            if last_event_id is not None:
                lines.append(b"Last-Event-ID: " + last_event_id.encode("utf-8", "surrogatepass"))
        request = b"\r\n".join([b"GET " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Accept: text/event-stream"] + lines) + b"\r\n\r\n"
        reproducer = {"method": "GET", "path": path[:300], "last_event_id": last_event_id}
        self.requests += 1
        received = bytearray()
        try:
            with socket.create_connection(("127.0.0.1", self.args.port), timeout=ANSWER_TIMEOUT) as sock:
                sock.sendall(request)
                deadline = None
                while True:
                    if deadline is not None:
                        sock.settimeout(max(0.01, deadline - time.monotonic()))
                    try:
                        chunk = sock.recv(65_536)
                    except socket.timeout:
                        if deadline is None:
                            self.fail(f"no stream head within {ANSWER_TIMEOUT} s", reproducer)
                            return
                        break
                    if not chunk:
                        break
                    received += chunk
                    if deadline is None and b"\r\n\r\n" in received:
                        # The head came: take what follows for a moment, then hang up.
                        deadline = time.monotonic() + 0.3
                    if deadline is not None and time.monotonic() >= deadline:
                        break
        except OSError as error:
            self.fail(f"stream connection failed: {error!r}", reproducer)
            return
        head, _, body = bytes(received).partition(b"\r\n\r\n")
        answer = response_head(head)
        if answer is None:
            self.fail("a stream's answer that isn't HTTP/1.1", reproducer | {"answer": bytes(received[:300]).decode("latin-1")})
            return
        status, headers = answer
        if status == 200:
            self.by_status[200] = self.by_status.get(200, 0) + 1
            self.streams_opened += 1
            if "text/event-stream" not in headers.get("content-type", ""):
                self.fail(f"a stream answered 200 as {headers.get('content-type')!r}", reproducer)
            elif body and not re.search(rb"(^|\n)(id|event|data|retry)?:", body):
                self.fail("a stream's first bytes are no event", reproducer | {"answer": body[:300].decode("latin-1")})
            return
        if "chunked" in headers.get("transfer-encoding", ""):
            size, _, rest = body.partition(b"\r\n")
            body = rest[: int(size.split(b";")[0] or b"0", 16)]
        else:
            body = body[: int(headers.get("content-length", "0") or 0)]
        self.check(status, headers, body, reproducer)

    # -- the metrics port ------------------------------------------------------------------------

    def metrics(self):
        """A metrics port (a worker's, the relay's): its three routes, other paths and methods."""
        rng = self.rng
        port = rng.choice(self.args.metrics_port)
        method = rng.choice(["GET"] * 6 + ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
        path = rng.choice(["/metrics", "/health", "/ready", "/metrics", "/", "/nope", "/metrics/", "//metrics", "/metrics/../ready",
                           "/%00", "/" + "a" * 5_000, "/metrics?name=" + "x" * 3_000, "/ready?%ff", "/v1/events"])
        body = rng.choice([None, b"", b"{}", b"x" * 70_000]) if method not in ("GET", "HEAD") else None
        headers = rng.choice([{}, {}, {"X-Long": "v" * 20_000}, {"Accept": "application/openmetrics-text"}])
        status, answer = self.send(method, path, body=body, headers=headers, auth=False, port=port)
        if status is not None:
            self.metrics_answered[port] = self.metrics_answered.get(port, 0) + 1
        if status == 200 and method == "GET" and path == "/metrics" and b"# TYPE" not in answer:
            self.fail("GET /metrics answered 200 without metrics", {"path": path, "port": port, "answer": answer[:300].decode("utf-8", "replace")})

    # -- straight to the broker ------------------------------------------------------------------

    BROKER_HEADERS = ["sy-tenant", "sy-attempt", "sy-not-before", "sy-first-seen", "sy-first-failure", "sy-last-failure", "sy-hop",
                      "sy-replay-of", "sy-origin-queue", "sy-retry-tier", "x-death", "x-delivery-count", "traceparent", "tracestate"]

    def broker_header_value(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return rng.choice(HOSTILE_NUMBERS[:13])
        if roll < 0.6:
            return rng.choice(HOSTILE_STRINGS[:24])[:2_000]
        if roll < 0.7:
            return rng.choice([True, False, [], {}, [1, "a"], {"a": {"b": [1]}}])
        if roll < 0.85:
            return [{"count": rng.choice([-1, 0, 2**62]), "reason": rng.choice(["rejected", "expired", "x"]), "queue": "sy.work.analysis",
                     "time": rng.choice([0, -1, 2**62])}]
        return str(uuid.UUID(int=rng.getrandbits(128)))

    def broker(self):
        """A message published straight to an events exchange (through the management API), as
        a producer with broker access or a worker's bug could: any event type, its example's
        body mutated, hostile headers and properties. Tagged app_id "fuzz-broker", so its dead
        letters are told from those of what the ingress accepted."""
        rng = self.rng
        name, example = rng.choice(self.all_event_types)
        example = json.loads(json.dumps(example).replace("0b7c6f4e-4c1a-4d3e-9a57-2f1d8e6b5a90", self.args.chatbot))
        body = mutate_value(example, rng) if rng.random() < 0.85 else example
        payload = mutate_text(encode(body, ascii_only=rng.random() < 0.5), rng)
        if rng.random() < 0.03:
            payload = rng.choice([b"", b"\x00" * 100, b"x" * 600_000, deep(20_000).encode()])
        headers = {"sy-tenant": self.args.tenant if rng.random() < 0.8 else self.broker_header_value()}
        for header in rng.sample(self.BROKER_HEADERS, rng.choice([0, 0, 1, 2, 4])):
            headers[header] = self.broker_header_value()
        properties = {"message_id": f"fz-broker-{rng.getrandbits(64):x}", "type": name, "app_id": "fuzz-broker",
                      "content_type": "application/json", "delivery_mode": 2, "headers": headers}
        if rng.random() < 0.2:
            key = rng.choice(["message_id", "type", "content_type", "timestamp", "priority", "correlation_id", "content_encoding"])
            properties[key] = rng.choice(["", "x" * 255, "\u00e9", "text/plain", "gzip", 0, 2**31, -1, str(uuid.UUID(int=0))])
            if key in ("message_id", "type") and rng.random() < 0.3:
                del properties[key]
        routing_key = name if rng.random() < 0.9 else rng.choice([n for n, _ in self.all_event_types] + ["chatbot.x", "#", ""])
        exchange = "sy.events" if rng.random() < 0.8 else "sy.events.high"
        request = json.dumps({"properties": properties, "routing_key": routing_key, "payload_encoding": "base64",
                              "payload": base64.b64encode(payload).decode()}).encode()
        management = urllib.parse.urlsplit(self.args.management_url)
        credentials = base64.b64encode(f"{management.username}:{management.password}".encode()).decode()
        path = f"/api/exchanges/{urllib.parse.quote(self.args.vhost, safe='')}/{exchange}/publish"
        connection = http.client.HTTPConnection(management.hostname, management.port, timeout=ANSWER_TIMEOUT)
        try:
            connection.request("POST", path, body=request, headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
        except OSError as error:
            self.fail(f"the management API failed: {error!r}", {"routing_key": routing_key})
            return
        finally:
            connection.close()
        self.requests += 1
        key = f"broker {response.status}"
        self.by_status[key] = self.by_status.get(key, 0) + 1
        if response.status == 200 and b'"routed":true' in answer.replace(b" ", b""):
            self.broker_routed += 1

    # -- the command line ------------------------------------------------------------------------

    def cli_value(self):
        """A hostile command-line value."""
        rng = self.rng
        return rng.choice(["", " ", "a\x01b", "\u202e", "x" * 5_000, "../../etc/passwd", "-1", "0", "99999999999999999999", "1e999",
                           "NaN", "inf", "-", "--", "@", "@/dev/zero", "@/etc/shadow", "@/nonexistent", "' OR 1=1 --", "%00", "\t", "\n",
                           "sy.work.probe", "2026-13-45T99:99:99Z", "9999999d", "-5m", "0s", "1h", "never", str(uuid.UUID(int=0)),
                           str(uuid.UUID(int=rng.getrandbits(128))), "1", "2147483648", "-9223372036854775809", "1e-300", "10001", "{}",
                           '{"v":1}', "null", "\udcff", "a" * 300, "\u00e9", "#", "*", "sy.events", self.args.tenant or "t"])

    def cli(self):
        """A `switchyard` command with hostile arguments (and now and then a hostile setting):
        it must end with 0, 1 or 2, and a refusal (2) is one line. Commands that serve run
        only while their arguments are checked: one that starts is stopped."""
        rng = self.rng
        v = self.cli_value

        def some(options, most):
            return sum(rng.sample(options, rng.randint(0, most)), [])

        def real(values):
            """One of `values` (filters that select real dead letters), now and then a hostile one."""
            return rng.choice(values) if rng.random() < 0.8 else v()

        arguments = rng.choice([
            lambda: ["tenants", "create", v()],
            lambda: ["keys", "create", "--tenant", v()],
            lambda: ["keys", "revoke", v()],
            lambda: ["users", "grant", "--tenant", v(), "--user", v(), "--credits", v()] + some([["--daily-limit", v()]], 1),
            lambda: ["dlq", "list"] + some([["--json"]], 1),
            lambda: ["dlq", "show"] + some([["--queue", v()], ["--error-class", v()], ["--since", v()], ["--limit", v()], ["--full"], ["--json"], [v()]], 4),
            lambda: ["dlq", "replay", "--dry-run"] + some([["--queue", v()], ["--error-class", v()], ["--since", v()], ["--limit", v()],
                                                           ["--rate", v()], ["--json"], [v()]], 4),
            lambda: ["dlq", "purge"] + some([["--queue", v()], ["--error-class", v()], ["--since", v()], ["--json"], [v()]], 3),
            # Against the real dead letters, selected mostly by filters that match some: at most one
            # replayed (so a slow --rate can't stretch the run past the answer's deadline), and a
            # purge that is confirmed.
            lambda: ["dlq", "replay", "--limit", "1", "--queue", real(DLQ_QUEUES)] + some(
                [["--error-class", real(DLQ_CLASSES)], ["--since", real(DLQ_AGES)], ["--rate", v()], ["--json"], [v()]], 3),
            lambda: ["dlq", "purge", "--yes", "--queue", real(DLQ_QUEUES)] + some(
                [["--error-class", real(DLQ_CLASSES)], ["--since", real(DLQ_AGES)], ["--json"], [v()]], 2),
            lambda: ["operators", rng.choice(["create", "list"]), v()],
            lambda: ["queues"] + some([["--json"], [v()]], 1),
            lambda: ["prune", "--dry-run"] + some([["--json"]], 1),
            lambda: ["publish", v(), "--data", v()] + some([["--message-id", v()], ["--correlation-id", v()], ["--tenant", v()],
                                                            ["--traceparent", v()], ["--high"]], 3),
            lambda: ["jsonpath", v(), v()],
            lambda: ["work", rng.choice(["probe", v()])] + some([["--concurrency", v()], ["--prefetch", v()], ["--grace-period", v()],
                                                                  ["--metrics-port", v()]], 3),
            lambda: ["relay", "--metrics-port", v()],
            lambda: ["ingress", "--port", v()],
            lambda: ["console", "--port", v()],
            lambda: ["topology", rng.choice(["verify", "export", v()])],
        ])()
        environment = dict(os.environ)
        if rng.random() < 0.15:
            environment[rng.choice(["SWITCHYARD_AMQP_URL", "SWITCHYARD_DATABASE_URL", "SWITCHYARD_HTTP_IDLE_TIMEOUT", "SWITCHYARD_LOG_LEVEL",
                                    "SWITCHYARD_TOPOLOGY_FILE", "SWITCHYARD_API_RATE", "SWITCHYARD_SECRETS_KEY", "SWITCHYARD_OUTBOUND_ALLOW",
                                    "SWITCHYARD_HTTP_PORT", "SWITCHYARD_CONSOLE"])] = v()
        serves = arguments[0] in ("work", "relay", "ingress", "console")
        reproducer = {"cli": [a[:200] for a in arguments]}
        self.requests += 1
        try:
            run = subprocess.run([self.args.switchyard] + arguments, env=environment, capture_output=True, stdin=subprocess.DEVNULL,
                                 timeout=3 if serves else ANSWER_TIMEOUT)
        except subprocess.TimeoutExpired:
            if not serves:
                self.fail(f"switchyard {arguments[0]} ran past {ANSWER_TIMEOUT} s", reproducer)
            return
        except ValueError:
            return  # an argument with a NUL, which no process can be given
        key = f"cli {run.returncode}"
        self.by_status[key] = self.by_status.get(key, 0) + 1
        errors = run.stderr.decode("utf-8", "replace").strip().splitlines()
        if run.returncode not in (0, 1, 2):
            self.fail(f"switchyard {arguments[0]} ended with {run.returncode}", reproducer | {"stderr": "\n".join(errors)[-600:]})
        elif run.returncode == 2 and (len(errors) != 1 or len(errors[0]) > 1_100):
            self.fail(f"switchyard {arguments[0]} refused with {len(errors)} lines, not one", reproducer | {"stderr": "\n".join(errors)[-600:]})

    # -- the operator console --------------------------------------------------------------------

    def console_text(self):
        """A hostile form or query value, as text."""
        value = hostile_value(self.rng)
        if isinstance(value, RawJSON):
            return value.text[:2_000]
        return value if isinstance(value, str) else json.dumps(value)[:20_000]

    def console_sign_in(self, next_path="/console"):
        form = urllib.parse.urlencode({"token": self.args.operator_token, "next": next_path}, errors="surrogatepass").encode()
        status, _ = self.send("POST", "/console/sign-in", body=form, auth=False,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        location = self.last_headers.get("location", "") if status else ""
        if status in (302, 303) and not (location == "/console" or location.startswith(("/console/", "/console?"))):
            self.fail(f"sign-in redirected outside the console, to {location[:200]!r}", {"next": next_path[:300]})
        cookie = self.last_headers.get("set-cookie", "").split(";")[0] if status in (302, 303) else ""
        if not cookie:
            return
        self.console_cookie = cookie
        status, page = self.send("GET", "/console/dead-letters", auth=False, headers={"Cookie": cookie})
        found = re.search(rb'name="csrf" value="([^"]+)"', page or b"")
        self.console_csrf = found.group(1).decode() if found else None

    def console(self):
        rng = self.rng
        if self.console_cookie is None or rng.random() < 0.02:
            self.console_sign_in(rng.choice(["/console", "/console/dead-letters", "//evil.example", "/console//evil.example",
                                             "https://evil.example/console", "/console/\\evil", "/console\r\nSet-Cookie: x=1",
                                             self.console_text()]))
            if self.console_cookie is None:
                return
        cookie = {"Cookie": self.console_cookie}
        text = self.console_text
        roll = rng.random()
        if roll < 0.3:
            query = {"queue": "sy.work.analysis", "error_class": "validation", "since": "2026-12-01T00:00:00Z", "page": "2"}
            query = dict(rng.sample(sorted(query.items()), rng.randrange(5)))
            if rng.random() < 0.7:
                query[rng.choice(["queue", "error_class", "since", "page", "before", "after"])] = text()
            self.send("GET", "/console/dead-letters?" + urllib.parse.urlencode(query, errors="surrogatepass"), auth=False, headers=cookie)
        elif roll < 0.4:
            self.send("GET", f"/console/dead-letters/{urllib.parse.quote(rng.choice(['1', '-1', '0', '9' * 30, text()]), safe='', errors='surrogatepass')}", auth=False, headers=cookie)
        elif roll < 0.5:
            ident = rng.choice(self.created["job"] + self.created["generation"] + [text()])
            self.send("GET", "/console/objects?" + urllib.parse.urlencode({"id": ident}, errors="surrogatepass"), auth=False, headers=cookie)
        elif roll < 0.55:
            route, ident, index = (urllib.parse.quote(x, safe="", errors="surrogatepass") for x in
                                   (rng.choice(["generations", "jobs", text()]), rng.choice(self.created["generation"] + [text()]), rng.choice(["1", "0", "-1", text()])))
            self.send("GET", f"/console/parts/{route}/{ident}/{index}", auth=False, headers=cookie)
        else:
            fields = [("csrf", (self.console_csrf or "") if rng.random() < 0.9 else text())]
            if roll < 0.9:
                path = rng.choice(["/console/dead-letters/preview", "/console/dead-letters/replay", "/console/dead-letters/purge"])
                fields += [("action", rng.choice(["replay", "purge", "replay", "purge", text()]))]
                ids = [str(rng.randrange(1, 500)) for _ in range(rng.choice([0, 1, 3, 2_000]))]
                if ids and rng.random() < 0.3:
                    ids[rng.randrange(len(ids))] = rng.choice(["-1", "0", "9" * 30, text()[:100]])
                fields += [("id", ident) for ident in ids]
                fields += [(k, v) for k, v in [("queue", "sy.work.analysis"), ("error_class", "validation")] if rng.random() < 0.3]
                if rng.random() < 0.3:
                    fields.append((rng.choice(["queue", "error_class", "since", "scope"]), text()))
            else:
                path = "/console/objects/cancel"
                fields += [("route", rng.choice(["jobs", "generations", text()])),
                           ("id", rng.choice(self.created["job"] + [text()]))]
            if rng.random() < 0.7:
                fields.append(("confirm", "yes"))
            body = mutate_text(urllib.parse.urlencode(fields, errors="surrogatepass"), rng)
            self.send("POST", path, body=body, auth=False, headers=cookie | {"Content-Type": "application/x-www-form-urlencoded"})

    # -- raw bytes -------------------------------------------------------------------------------

    def raw(self):
        rng = self.rng
        body = b'{"type":"chatbot.message.received","body":{"v":1,"chatbot_id":"%s","text":"hi"}}' % self.args.chatbot.encode()
        lines = [b"POST /v1/events HTTP/1.1", b"Host: 127.0.0.1", b"Authorization: Bearer " + self.args.key.encode(),
                 b"Content-Type: application/json", b"Content-Length: %d" % len(body)]
        roll = rng.random()
        if roll < 0.15:
            lines[0] = rng.choice([b"GET / HTTP/9.9", b"G\x00T / HTTP/1.1", b"POST /v1/events HTTP/1.1 extra", b"CONNECT 127.0.0.1:5432 HTTP/1.1",
                                   b"POST " + b"/a" * 5_000 + b" HTTP/1.1", b"PRI * HTTP/2.0", b"POST /v1/events", b"POST /v1/\xffevents HTTP/1.1"])
        elif roll < 0.3:
            lines.append(rng.choice([b"Content-Length: 5", b"Transfer-Encoding: chunked", b"Content-Length: -1", b"Content-Length: 99999999999999999999",
                                     b"X-Long: " + b"a" * 100_000, b"Bad Header: 1", b"X-Nul: a\x00b", b": empty-name", b"Host: other"]))
        elif roll < 0.4:
            lines = lines[:4] + [b"Transfer-Encoding: chunked"]
            body = rng.choice([b"5\r\nhello\r\n0\r\n\r\n", b"ffffffffffffffffff\r\nx\r\n", b"zz\r\n", b"3\r\nabcdef\r\n0\r\n\r\n", b"1;" + b"e" * 70_000 + b"\r\na\r\n0\r\n\r\n"])
        elif roll < 0.5:
            lines += [b"X-H%d: v" % i for i in range(rng.choice([200, 20_000]))]
        elif roll < 0.6:
            body = body[: rng.randrange(len(body))]  # a body shorter than its Content-Length: the request never completes
        data = b"\r\n".join(lines) + b"\r\n\r\n" + body
        if roll >= 0.6:
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                data = data[:at] + bytes([rng.choice([0, 10, 13, 32, 58, 127, 255, rng.randrange(256)])]) + data[at + 1:]
        reproducer = {"raw": data[:400].decode("latin-1"), "raw_bytes": len(data)}
        port = rng.choice(self.args.metrics_port) if self.args.metrics_port and rng.random() < 0.25 else self.args.port
        reproducer["port"] = port
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server closed while we sent: an answer may still be there
        sock.setblocking(False)
        self.pending_raw.append((sock, time.monotonic() + self.args.idle_timeout + 5, reproducer, bytearray()))
        self.requests += 1

    def settle_raw(self, wait=0.0):
        """Reads what the raw connections got; each must close, with any answer a valid one, by its deadline."""
        end = time.monotonic() + wait
        while self.pending_raw:
            socks = [entry[0] for entry in self.pending_raw]
            readable, _, _ = select.select(socks, [], [], max(0.0, min(0.2, end - time.monotonic())))
            now = time.monotonic()
            keep = []
            for sock, deadline, reproducer, received in self.pending_raw:
                closed = False
                # Everything there is, so that an answer and its close that came while this
                # process was busy count as in time.
                while sock in readable or now > deadline:
                    try:
                        chunk = sock.recv(65_536)
                    except BlockingIOError:
                        break
                    except OSError:
                        closed = True
                        break
                    closed = not chunk
                    received += chunk
                    if closed:
                        break
                if closed:
                    self.check_raw(bytes(received), reproducer)
                    sock.close()
                elif now > deadline:
                    self.fail("raw connection neither answered and closed nor closed within the idle timeout", reproducer | {"answer": bytes(received[:300]).decode("latin-1")})
                    sock.close()
                else:
                    keep.append((sock, deadline, reproducer, received))
            self.pending_raw = keep
            if time.monotonic() >= end:
                return

    def check_raw(self, received, reproducer):
        """Each answer on a raw connection: a status line, and a JSON error for 4xx and 5xx."""
        rest = received
        while rest:
            head, sep, after = rest.partition(b"\r\n\r\n")
            answer = response_head(head) if sep else None
            if answer is None:
                self.fail("a raw answer that isn't HTTP/1.1", reproducer | {"answer": rest[:300].decode("latin-1")})
                return
            status, headers = answer
            length = int(headers.get("content-length", "0") or 0)
            body, rest = after[:length], after[length:]
            self.check(status, headers, body, reproducer)

    # -- the run ---------------------------------------------------------------------------------

    def run(self):
        status, answer = self.send("GET", "/v1/event-types")
        catalog = json.loads(answer)
        entries = catalog.get("event_types", catalog) if isinstance(catalog, dict) else catalog
        self.event_types = [(e["name"], e["example"]) for e in entries if e.get("producers_may_send")]
        self.all_event_types = [(e["name"], e["example"]) for e in entries]
        if not self.event_types:
            raise Failure(f"no producer event types in /v1/event-types: {answer[:300]!r}")
        targets = [(self.webhook, 25), (self.event, 25), (self.workflow, 8), (self.automation, 6), (self.generation, 4),
                   (self.transformer, 4), (self.read, 12), (self.raw, 16)]
        if self.args.operator_token:
            targets.append((self.console, 8))
        targets.append((self.stream, 6))
        if self.args.metrics_port:
            targets.append((self.metrics, 4))
        if self.args.management_url and self.args.vhost and self.args.tenant:
            targets.append((self.broker, 10))
        if self.args.switchyard:
            targets.append((self.cli, 3))
        if self.args.targets:
            targets = [(f, w) for f, w in targets if f.__name__ in self.args.targets.split(",")]
        functions = [f for f, _ in targets]
        weights = [w for _, w in targets]
        end = time.monotonic() + self.args.seconds
        while time.monotonic() < end:
            self.rng.choices(functions, weights)[0]()
            if len(self.pending_raw) > 64:
                self.settle_raw(wait=0.5)
            else:
                self.settle_raw()
        self.settle_raw(wait=self.args.idle_timeout + 6)
        self.close()
        status, _ = self.send("GET", "/readyz", auth=False)
        if status != 200:
            self.fail(f"/readyz answered {status} after the run", {})
        return {"requests": self.requests, "by_status": {str(k): v for k, v in sorted(self.by_status.items(), key=lambda item: str(item[0]))},
                "workflows": len(self.created["workflow"]), "jobs": len(self.created["job"]),
                "automations": len(self.created["automation"]), "generations": len(self.created["generation"]),
                "console_signed_in": self.console_csrf is not None,
                "streams_opened": self.streams_opened, "broker_routed": self.broker_routed,
                "metrics_answered": {str(port): count for port, count in sorted(self.metrics_answered.items())},
                "failures": self.failures}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--tavus-secret", required=True)
    parser.add_argument("--kiro-secret", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--chatbot", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle-timeout", type=float, default=60)
    parser.add_argument("--operator-token", help="an operator's token (switchyard operators create): the console is fuzzed too")
    parser.add_argument("--metrics-port", type=int, action="append",
                        help="a worker's or the relay's --metrics-port (repeatable): each is fuzzed too, and raw bytes go to them now and then")
    parser.add_argument("--management-url", help="the broker's management API (http://user:password@host:port): messages are published straight to the events exchanges")
    parser.add_argument("--vhost", help="the fleet's virtual host, for --management-url")
    parser.add_argument("--tenant", help="the tenant id the broker's messages carry (sy-tenant)")
    parser.add_argument("--switchyard", help="the switchyard executable: its commands are run with hostile arguments, with this process's environment")
    parser.add_argument("--targets", help="only these, comma-separated: webhook,event,workflow,automation,generation,transformer,read,stream,metrics,broker,cli,console,raw")
    args = parser.parse_args()
    report = Fuzzer(args).run()
    print(json.dumps(report))
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
