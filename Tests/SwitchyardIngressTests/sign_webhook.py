#!/usr/bin/env python3
"""Signs a webhook with the reference `standardwebhooks` package, independently of our code.

usage: sign_webhook.py SECRET WEBHOOK_ID TIMESTAMP < body   -> prints the webhook-signature value
"""
import datetime
import sys

from standardwebhooks.webhooks import Webhook

secret, webhook_id, timestamp = sys.argv[1], sys.argv[2], int(sys.argv[3])
body = sys.stdin.buffer.read().decode("utf-8")
when = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc)
print(Webhook(secret).sign(webhook_id, when, body))
