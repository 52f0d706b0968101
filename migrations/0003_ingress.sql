-- The ingress's memory of webhooks: one row per (source, webhook-id), written in the same
-- transaction that waits for the broker's confirm of the event it became, so a redelivered
-- webhook is answered with the first answer and publishes nothing new.
CREATE TABLE webhook_receipts (
    source text NOT NULL,
    webhook_id text NOT NULL,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    event_type text,
    response text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, webhook_id)
);

-- Producer requests with an Idempotency-Key: the first answer, and a hash of the body so the
-- same key with another body is refused.
CREATE TABLE idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key text NOT NULL,
    request_sha256 bytea NOT NULL,
    response text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
