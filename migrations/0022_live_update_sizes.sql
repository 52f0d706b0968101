-- Live updates of a bounded size, and each one's size kept beside it.
--
-- A job's update carried its whole `final_result`: up to the 64 MiB data limit, written a second
-- time into `live_updates` and read by every stream that follows the job. Now a result of more
-- than 64 KiB stays out of the update, which says so (`final_result_omitted`) and gives its size
-- (`final_result_bytes`); the client reads it with GET /v1/jobs/{id}, whose answers the ingress
-- reads within its memory budget.
--
-- `bytes` is the update's length as JSON text, measured once when it is written, so a stream
-- reads its updates in pages of bounded size without measuring every row it passes over. Rows
-- written before this migration have none; readers measure those.

ALTER TABLE live_updates ADD COLUMN bytes int;

CREATE OR REPLACE FUNCTION switchyard_record_update(p_subject text, p_id uuid, p_tenant uuid, p_event text, p_data jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    next_seq int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('sy_live:' || p_id::text, 0));
    SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM live_updates WHERE subject_id = p_id;
    INSERT INTO live_updates (subject_id, seq, tenant_id, subject, event, data, bytes)
    VALUES (p_id, next_seq, p_tenant, p_subject, p_event, p_data, octet_length(p_data::text));
    PERFORM pg_notify('sy_live', p_id::text);
END $$;

CREATE OR REPLACE FUNCTION switchyard_job_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    result_bytes int := octet_length(NEW.final_result::text);
    update_data jsonb := jsonb_build_object(
        'job_id', NEW.id, 'status', NEW.status, 'current_step_id', NEW.current_step_id,
        'error', NEW.error, 'at', switchyard_time(clock_timestamp()));
BEGIN
    IF result_bytes > 65536 THEN
        update_data := update_data || jsonb_build_object('final_result_omitted', true, 'final_result_bytes', result_bytes);
    ELSE
        update_data := update_data || jsonb_build_object('final_result', NEW.final_result);
    END IF;
    PERFORM switchyard_record_update('job', NEW.id, NEW.tenant_id, 'status', update_data);
    RETURN NULL;
END $$;
