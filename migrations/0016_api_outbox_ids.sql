-- The ingress publishes the first events of the jobs it creates itself, right after the
-- commit, as workers do with their follow-ups: its tenant transaction writes them with a lease
-- and reads back each row's id (INSERT ... RETURNING id) to mark the row sent once the broker
-- confirmed it. The API role may read that one column of outbox and nothing else of it.
GRANT SELECT (id) ON outbox TO switchyard_api;
