-- Chatbot automations: a tenant's chatbots; automations that run a workflow when an event of
-- their chatbot matches their trigger; one execution per (event, automation) that follows its
-- job; an audit log of every change to an automation.

CREATE TABLE chatbots (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX chatbots_tenant_created ON chatbots (tenant_id, created_at, id);

-- The composite key keeps an automation on a chatbot of its own tenant. `trigger` is the
-- validated trigger as the API shows it; `event_type` repeats its event type for listing.
CREATE TABLE automations (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    chatbot_id uuid NOT NULL,
    name text NOT NULL,
    event_type text NOT NULL,
    trigger jsonb NOT NULL,
    workflow_id text NOT NULL,
    input_map jsonb,
    is_active boolean NOT NULL DEFAULT true,
    version int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, chatbot_id) REFERENCES chatbots (tenant_id, id)
);
CREATE INDEX automations_chatbot_created ON automations (chatbot_id, created_at, id);

-- One execution per event message and automation, however often the event is delivered. The
-- automation id has no foreign key: an execution outlives a deleted automation. Its status,
-- error and log follow its job (the trigger below).
CREATE TABLE automation_executions (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    automation_id uuid NOT NULL,
    chatbot_id uuid NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    trigger_data jsonb NOT NULL,
    matched jsonb NOT NULL,
    job_id uuid REFERENCES jobs (id),
    status text NOT NULL CHECK (status IN ('pending', 'running', 'awaiting_retry', 'completed', 'failed', 'cancelled')),
    execution_log jsonb NOT NULL,
    error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    UNIQUE (event_id, automation_id)
);
CREATE INDEX automation_executions_chatbot ON automation_executions (chatbot_id, started_at DESC, id DESC);
CREATE INDEX automation_executions_job ON automation_executions (job_id) WHERE job_id IS NOT NULL;

-- Who changed an automation (the API key's id) and how: its JSON before and after.
CREATE TABLE automation_changes (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    automation_id uuid NOT NULL,
    action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'copy')),
    api_key_id text NOT NULL,
    before jsonb,
    after jsonb,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX automation_changes_automation ON automation_changes (automation_id, id);

-- An execution follows its job: each status or step change of the job appends to the log.
CREATE FUNCTION switchyard_execution_follow_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE automation_executions SET
        status = NEW.status,
        error = NEW.error,
        completed_at = CASE WHEN NEW.status IN ('completed', 'failed', 'cancelled') THEN clock_timestamp() END,
        execution_log = execution_log || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'at', switchyard_time(clock_timestamp()), 'status', NEW.status,
            'step_id', CASE WHEN NEW.status <> 'completed' THEN NEW.current_step_id END,
            'message', CASE NEW.status
                WHEN 'running' THEN 'step ''' || NEW.current_step_id || ''' running'
                WHEN 'awaiting_retry' THEN 'step ''' || NEW.current_step_id || ''' will be retried: ' || coalesce(NEW.error, 'failed')
                WHEN 'completed' THEN 'job completed'
                WHEN 'failed' THEN 'job failed: ' || coalesce(NEW.error, 'unknown error')
                WHEN 'cancelled' THEN 'job cancelled'
                ELSE 'job ' || NEW.status END)))
    WHERE job_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_followed_by_executions AFTER UPDATE ON jobs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.current_step_id IS DISTINCT FROM NEW.current_step_id)
    EXECUTE FUNCTION switchyard_execution_follow_job();

-- Executions are followed live at /v1/executions/{id}/events.
ALTER TABLE live_updates DROP CONSTRAINT live_updates_subject_check;
ALTER TABLE live_updates ADD CONSTRAINT live_updates_subject_check
    CHECK (subject IN ('job', 'project', 'generation', 'execution'));

CREATE FUNCTION switchyard_execution_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM switchyard_record_update('execution', NEW.id, NEW.tenant_id, 'status', jsonb_build_object(
        'execution_id', NEW.id, 'status', NEW.status, 'job_id', NEW.job_id, 'error', NEW.error,
        'log_entry', NEW.execution_log -> -1, 'at', switchyard_time(clock_timestamp())));
    RETURN NULL;
END $$;

CREATE TRIGGER automation_executions_created AFTER INSERT ON automation_executions
    FOR EACH ROW EXECUTE FUNCTION switchyard_execution_update();
CREATE TRIGGER automation_executions_changed AFTER UPDATE ON automation_executions
    FOR EACH ROW WHEN (OLD.execution_log IS DISTINCT FROM NEW.execution_log)
    EXECUTE FUNCTION switchyard_execution_update();

-- Workers cache compiled triggers by chatbot; a change to a chatbot or its automations tells
-- them which chatbot to forget.
CREATE FUNCTION switchyard_automations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'chatbots' THEN
        PERFORM pg_notify('sy_automations', coalesce(NEW.id, OLD.id)::text);
    ELSE
        PERFORM pg_notify('sy_automations', coalesce(NEW.chatbot_id, OLD.chatbot_id)::text);
        IF TG_OP = 'UPDATE' AND NEW.chatbot_id IS DISTINCT FROM OLD.chatbot_id THEN
            PERFORM pg_notify('sy_automations', OLD.chatbot_id::text);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER chatbots_changed AFTER INSERT OR UPDATE OR DELETE ON chatbots
    FOR EACH ROW EXECUTE FUNCTION switchyard_automations_changed();
CREATE TRIGGER automations_changed AFTER INSERT OR UPDATE OR DELETE ON automations
    FOR EACH ROW EXECUTE FUNCTION switchyard_automations_changed();

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['chatbots', 'automations', 'automation_executions', 'automation_changes']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I TO switchyard_api '
            'USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant())',
            tenant_table);
        EXECUTE format('CREATE POLICY fleet ON %I TO %I USING (true) WITH CHECK (true)', tenant_table, current_user);
    END LOOP;
END $$;

-- The API defines chatbots and automations and reads executions; cancelling a job through the
-- API updates its execution (the trigger runs as the API role).
GRANT SELECT, INSERT ON chatbots TO switchyard_api;
GRANT SELECT, INSERT, DELETE ON automations TO switchyard_api;
GRANT UPDATE (name, event_type, trigger, workflow_id, input_map, is_active, version, updated_at) ON automations TO switchyard_api;
GRANT SELECT ON automation_executions TO switchyard_api;
GRANT UPDATE (status, error, completed_at, execution_log) ON automation_executions TO switchyard_api;
GRANT SELECT, INSERT ON automation_changes TO switchyard_api;
GRANT USAGE ON SEQUENCE automation_changes_id_seq TO switchyard_api;
