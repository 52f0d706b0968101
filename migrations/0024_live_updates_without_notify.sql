-- Live updates without NOTIFY: the ingress's LiveUpdateHub asks for the last update number of
-- each subject its streams follow (every SWITCHYARD_SSE_POLL_MS) instead of LISTENing on
-- sy_live. A transaction that calls pg_notify takes a lock of the whole server at its commit
-- (the notification queue's lock on "database 0") and holds it through the commit's WAL flush,
-- so every job, project, build event, generation and execution update in the fleet committed
-- one at a time. This function with and without its pg_notify, one update a transaction
-- (pgbench on the development machine, 2026-12-07): level with one client, 6,100 commits/s
-- without against 4,400 with 4 clients, 7,250 against 2,700 with 16.
-- An ingress from before this migration LISTENs on sy_live and hears nothing more: its streams
-- read new updates at their heartbeat (SWITCHYARD_SSE_HEARTBEAT) until it is replaced.
CREATE OR REPLACE FUNCTION switchyard_record_update(p_subject text, p_id uuid, p_tenant uuid, p_event text, p_data jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    next_seq int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('sy_live:' || p_id::text, 0));
    SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM live_updates WHERE subject_id = p_id;
    INSERT INTO live_updates (subject_id, seq, tenant_id, subject, event, data, bytes)
    VALUES (p_id, next_seq, p_tenant, p_subject, p_event, p_data, octet_length(p_data::text));
END $$;
