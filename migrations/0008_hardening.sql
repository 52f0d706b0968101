-- Hardening: idempotency keys are scoped per route, so one key used on two routes names two
-- requests (POST /v1/events and POST /v1/generations with the same key no longer collide).
ALTER TABLE idempotency_keys ADD COLUMN scope text NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (tenant_id, scope, key);

-- Dead letters whose headers could not be stored as they came (a non-UUID tenant, NaN, times
-- out of range, NUL characters) keep them here as text, exactly as received.
ALTER TABLE dead_letters ADD COLUMN raw_headers text;
