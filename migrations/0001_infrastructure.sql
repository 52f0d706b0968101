-- Infrastructure shared by every pipeline: tenants and their API keys, the inbox and outbox
-- that make message handling exactly-once in effect, and the dead-letter archive.

-- Tenants own every tenant-scoped row. The built-in tenant `default` (all-zero id) owns
-- whatever a single-tenant deployment creates.
CREATE TABLE tenants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000000', 'default');

-- API keys for the ingress API. Only the SHA-256 of a key is stored, never the key; `prefix`
-- (its first characters) lets operators tell keys apart.
CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key_hash bytea NOT NULL UNIQUE,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);

-- Messages a consumer has already handled: inserted in the same transaction as the work, so
-- a redelivered message conflicts here and is acked without being done twice.
CREATE TABLE inbox (
    consumer text NOT NULL,
    message_id text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Messages to publish, written in the same transaction as the work that caused them; the
-- relay publishes them with confirms and sets published_at.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    tenant_id uuid REFERENCES tenants (id),
    exchange text NOT NULL,
    routing_key text NOT NULL,
    message_id text NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}',
    headers jsonb NOT NULL DEFAULT '{}',
    body bytea NOT NULL,
    created_at timestamptz DEFAULT now(),
    attempts int NOT NULL DEFAULT 0,
    last_error text,
    published_at timestamptz
);

-- The relay's work list: unpublished rows, oldest first.
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

-- Dead letters archived from the DLQs for operators to inspect and replay. archive_key is
-- chosen by the archiver so the same dead letter is archived once.
CREATE TABLE dead_letters (
    id bigserial PRIMARY KEY,
    archive_key text NOT NULL UNIQUE,
    message_id text,
    tenant_id uuid,
    origin_queue text NOT NULL,
    origin_exchange text,
    origin_routing_key text,
    reason text NOT NULL, -- 'worker', 'rejected', 'delivery_limit', 'expired'
    error_class text,
    error text,
    attempts int,
    first_failure_at timestamptz,
    last_failure_at timestamptz,
    worker text,
    properties jsonb NOT NULL DEFAULT '{}',
    headers jsonb NOT NULL DEFAULT '{}',
    body bytea NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    replay_count int NOT NULL DEFAULT 0
);

CREATE INDEX dead_letters_origin_error ON dead_letters (origin_queue, error_class);
CREATE INDEX dead_letters_archived_at ON dead_letters (archived_at);
