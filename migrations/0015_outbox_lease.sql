-- A worker publishes the follow-ups it commits itself, right after the commit, and marks them
-- sent; the row's lease keeps the relays off it until relay_after. Should the worker's publish
-- not happen (the process died, the broker refused), a relay takes the row over once the lease
-- has passed, or at once when the worker gave the lease back. Rows written without a lease are
-- the relays' at once, as before.
ALTER TABLE outbox ADD COLUMN relay_after timestamptz NOT NULL DEFAULT '-infinity';
