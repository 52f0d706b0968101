-- Retention: indexes on the times `switchyard prune` deletes by, so each of its batches reads
-- the oldest rows from an index instead of scanning the table.
--
-- The migration runner applies a file in one transaction, so these are plain CREATE INDEX
-- (they block writes to the table while they build, which is brief on a young table; on a large
-- one, create them CONCURRENTLY by hand first, and this file then skips them).

-- Sent outbox rows by when they were sent; unsent rows are never pruned and stay out of it.
CREATE INDEX IF NOT EXISTS outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Handled messages by when they were handled.
CREATE INDEX IF NOT EXISTS inbox_processed_at ON inbox (processed_at);

-- Webhook receipts by when they arrived.
CREATE INDEX IF NOT EXISTS webhook_receipts_received_at ON webhook_receipts (received_at);

-- Idempotency keys by when they were first used.
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);

-- Live updates by when they were written (a subject's are pruned together, once it finished).
CREATE INDEX IF NOT EXISTS live_updates_created_at ON live_updates (created_at);
