-- The tenant-scoped job API: workflows and their jobs, projects and their build events,
-- users with credits and their image generations, the live-update log that Server-Sent Events
-- replay, and row-level security for the API's database role.

-- The role the ingress switches to (SET LOCAL ROLE) for every tenant query. It owns nothing,
-- cannot log in and cannot bypass row-level security, so a tenant query sees only the rows of
-- the tenant named by the transaction's `switchyard.tenant_id` setting, and none without it.
-- Roles are shared by every database of the cluster: created once, tolerating a concurrent
-- migration of another database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchyard_api') THEN
        CREATE ROLE switchyard_api NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$;

-- The migrating user (the fleet's user) may switch to the role; a superuser always may.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'switchyard_api', 'MEMBER') THEN
        EXECUTE format('GRANT switchyard_api TO %I', current_user);
    END IF;
END $$;

-- The tenant of the current transaction, or NULL when none is set (which matches no row).
CREATE FUNCTION switchyard_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('switchyard.tenant_id', true), '')::uuid $$;

-- Times as the API shows them: UTC, microseconds, RFC 3339 (`2026-11-30T04:25:43.123456Z`).
CREATE FUNCTION switchyard_time(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- Workflow definitions. A NULL tenant marks a built-in workflow that every tenant may run.
CREATE TABLE workflows (
    id text PRIMARY KEY,
    tenant_id uuid REFERENCES tenants (id),
    name text NOT NULL,
    description text,
    definition jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- `echo`: one step whose output is its input, so the API works before any workflow is defined.
INSERT INTO workflows (id, tenant_id, name, description, definition) VALUES (
    'echo', NULL, 'Echo', 'One step that returns the job''s input as its result.',
    '{"start": "echo", "steps": [{"id": "echo", "transformer": "echo"}]}'
);

-- A run of a workflow. state_history holds every status transition with its time.
CREATE TABLE jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    workflow_id text NOT NULL REFERENCES workflows (id),
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'awaiting_retry')),
    input jsonb NOT NULL DEFAULT '{}',
    current_step_id text,
    step_data jsonb NOT NULL DEFAULT '{}',
    final_result jsonb,
    error text,
    retry_count int NOT NULL DEFAULT 0,
    max_retries int NOT NULL DEFAULT 3,
    next_retry_at timestamptz,
    state_history jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);

-- GET /v1/jobs pages newest first, optionally by status.
CREATE INDEX jobs_tenant_page ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_tenant_status_page ON jobs (tenant_id, status, created_at DESC, id DESC);

-- Development pipeline: a project from an analysed conversation, planned and built.
CREATE TABLE projects (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    conversation_id text,
    name text,
    description text,
    requirements jsonb,
    plan jsonb,
    status text NOT NULL DEFAULT 'analyzing'
        CHECK (status IN ('analyzing', 'planning', 'ready_to_build', 'building', 'completed', 'failed')),
    build_id text,
    error_message text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);

-- The build service's callbacks for a project, once each, in its sequence order.
CREATE TABLE build_events (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    sequence int NOT NULL,
    kind text NOT NULL CHECK (kind IN ('progress', 'completed', 'failed')),
    progress int,
    message text,
    payload jsonb NOT NULL DEFAULT '{}',
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, sequence)
);

-- People who generate images: credits to spend and a daily limit of generations.
CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    external_id text NOT NULL,
    credits int NOT NULL DEFAULT 0 CHECK (credits >= 0),
    daily_generation_limit int NOT NULL DEFAULT 10 CHECK (daily_generation_limit >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, external_id)
);

-- A carousel image generation: one credit per slide, charged once by the imagegen worker
-- (credits_charged_at), progress as it goes.
CREATE TABLE generation_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    user_id uuid NOT NULL REFERENCES users (id),
    prompt text NOT NULL,
    slide_count int NOT NULL CHECK (slide_count BETWEEN 1 AND 10),
    credits_cost int NOT NULL,
    credits_charged_at timestamptz,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    progress_percent int NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    progress_message text,
    result jsonb,
    error_message text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);

CREATE INDEX generation_jobs_user_day ON generation_jobs (user_id, created_at);

-- Every status change and progress update of a job, project or generation, numbered 1, 2, 3...
-- per subject. Server-Sent Events replay it (the number is the event id, so Last-Event-ID
-- resumes without gaps) and NOTIFY sy_live wakes the streams when a row commits.
CREATE TABLE live_updates (
    subject_id uuid NOT NULL,
    seq int NOT NULL,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    subject text NOT NULL CHECK (subject IN ('job', 'project', 'generation')),
    event text NOT NULL,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (subject_id, seq)
);

-- Appends an update with the subject's next number. The advisory lock, held until commit,
-- serializes writers of one subject, so numbers are committed in order and a reader never
-- sees n+1 before n.
CREATE FUNCTION switchyard_record_update(p_subject text, p_id uuid, p_tenant uuid, p_event text, p_data jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    next_seq int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('sy_live:' || p_id::text, 0));
    SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM live_updates WHERE subject_id = p_id;
    INSERT INTO live_updates (subject_id, seq, tenant_id, subject, event, data)
    VALUES (p_id, next_seq, p_tenant, p_subject, p_event, p_data);
    PERFORM pg_notify('sy_live', p_id::text);
END $$;

CREATE FUNCTION switchyard_job_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM switchyard_record_update('job', NEW.id, NEW.tenant_id, 'status', jsonb_build_object(
        'job_id', NEW.id, 'status', NEW.status, 'current_step_id', NEW.current_step_id,
        'error', NEW.error, 'final_result', NEW.final_result, 'at', switchyard_time(clock_timestamp())));
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_created AFTER INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION switchyard_job_update();
CREATE TRIGGER jobs_changed AFTER UPDATE ON jobs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.current_step_id IS DISTINCT FROM NEW.current_step_id)
    EXECUTE FUNCTION switchyard_job_update();

CREATE FUNCTION switchyard_project_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM switchyard_record_update('project', NEW.id, NEW.tenant_id, 'status', jsonb_build_object(
        'project_id', NEW.id, 'status', NEW.status, 'error_message', NEW.error_message, 'at', switchyard_time(clock_timestamp())));
    RETURN NULL;
END $$;

CREATE TRIGGER projects_created AFTER INSERT ON projects
    FOR EACH ROW EXECUTE FUNCTION switchyard_project_update();
CREATE TRIGGER projects_changed AFTER UPDATE ON projects
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION switchyard_project_update();

CREATE FUNCTION switchyard_build_event_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM switchyard_record_update('project', NEW.project_id, NEW.tenant_id, 'build_event', jsonb_build_object(
        'project_id', NEW.project_id, 'sequence', NEW.sequence, 'kind', NEW.kind, 'progress', NEW.progress,
        'message', NEW.message, 'at', switchyard_time(clock_timestamp())));
    RETURN NULL;
END $$;

CREATE TRIGGER build_events_received AFTER INSERT ON build_events
    FOR EACH ROW EXECUTE FUNCTION switchyard_build_event_update();

CREATE FUNCTION switchyard_generation_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM switchyard_record_update(
        'generation', NEW.id, NEW.tenant_id,
        CASE WHEN TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN 'progress' ELSE 'status' END,
        jsonb_build_object(
            'generation_id', NEW.id, 'status', NEW.status, 'progress_percent', NEW.progress_percent,
            'progress_message', NEW.progress_message, 'error_message', NEW.error_message, 'at', switchyard_time(clock_timestamp())));
    RETURN NULL;
END $$;

CREATE TRIGGER generation_jobs_created AFTER INSERT ON generation_jobs
    FOR EACH ROW EXECUTE FUNCTION switchyard_generation_update();
CREATE TRIGGER generation_jobs_changed AFTER UPDATE ON generation_jobs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.progress_percent IS DISTINCT FROM NEW.progress_percent
        OR OLD.progress_message IS DISTINCT FROM NEW.progress_message)
    EXECUTE FUNCTION switchyard_generation_update();

-- Row-level security, enabled and forced on every tenant-owned table the API reads or writes.
-- The API role sees its transaction's tenant only (built-in workflows too); the migrating
-- user, which the workers use, keeps seeing every row.
DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['jobs', 'projects', 'build_events', 'users', 'generation_jobs', 'live_updates', 'idempotency_keys']
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

ALTER TABLE workflows ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflows TO switchyard_api
    USING (tenant_id IS NULL OR tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON workflows TO CURRENT_USER USING (true) WITH CHECK (true);

-- What the API role may do at all; the policies above narrow it to one tenant.
GRANT USAGE ON SCHEMA public TO switchyard_api;
GRANT SELECT ON workflows, jobs, projects, build_events, users, generation_jobs, live_updates TO switchyard_api;
GRANT SELECT ON idempotency_keys TO switchyard_api;
GRANT INSERT ON jobs, generation_jobs, live_updates, outbox, idempotency_keys TO switchyard_api;
GRANT UPDATE (credits) ON users TO switchyard_api;
GRANT USAGE ON SEQUENCE outbox_id_seq TO switchyard_api;
