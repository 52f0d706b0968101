-- The workflow engine: tenants' workflows with versions, configured transformers with sealed
-- secrets, one row per step of a job (its input, output, attempts and error), cancelled jobs.

-- Workflows are named per tenant: two tenants may both have a `summarize`. A NULL tenant still
-- marks a built-in workflow, visible to every tenant; the API keeps tenants off built-in ids.
ALTER TABLE jobs DROP CONSTRAINT jobs_workflow_id_fkey;
ALTER TABLE workflows DROP CONSTRAINT workflows_pkey;
ALTER TABLE workflows
    ADD COLUMN version int NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT workflows_tenant_id_id_key UNIQUE NULLS NOT DISTINCT (tenant_id, id);

-- Definitions in the seed's format: {"start_step", "steps": {id: {"transformer_id", ...}}}.
UPDATE workflows SET definition = jsonb_build_object(
    'start_step', definition->'start',
    'steps', (SELECT jsonb_object_agg(s->>'id', jsonb_build_object(
                  'transformer_id', s->'transformer', 'next_step', coalesce(s->'next', 'null'::jsonb)))
              FROM jsonb_array_elements(definition->'steps') AS s))
WHERE definition ? 'start' AND jsonb_typeof(definition->'steps') = 'array';

-- Every version of every workflow; `workflows` holds the latest. A job runs the version it
-- started with.
CREATE TABLE workflow_versions (
    id bigserial PRIMARY KEY,
    tenant_id uuid REFERENCES tenants (id),
    workflow_id text NOT NULL,
    version int NOT NULL CHECK (version > 0),
    name text NOT NULL,
    description text,
    definition jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (tenant_id, workflow_id, version)
);

INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, description, definition, created_at)
SELECT tenant_id, id, version, name, description, definition, created_at FROM workflows;

ALTER TABLE jobs
    ADD COLUMN workflow_version_id bigint REFERENCES workflow_versions (id),
    ADD COLUMN workflow_version int;
UPDATE jobs j SET workflow_version_id = v.id, workflow_version = v.version
FROM workflow_versions v
WHERE v.workflow_id = j.workflow_id AND (v.tenant_id IS NULL OR v.tenant_id = j.tenant_id)
  AND v.version = 1;
ALTER TABLE jobs ALTER COLUMN workflow_version_id SET NOT NULL, ALTER COLUMN workflow_version SET NOT NULL;

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('pending', 'running', 'awaiting_retry', 'completed', 'failed', 'cancelled'));

-- One row per step a job has started: what it was given, what it gave back, how often it
-- ran, how it last failed. Outputs live here, not in `jobs`.
CREATE TABLE job_steps (
    job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_id text NOT NULL,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    transformer_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'waiting', 'awaiting_retry', 'completed', 'failed')),
    input jsonb,
    output jsonb,
    attempts int NOT NULL DEFAULT 1,
    error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (job_id, step_id)
);
CREATE INDEX job_steps_tenant ON job_steps (tenant_id);

-- The outputs moved to job_steps; the API derives `step_data` from them.
INSERT INTO job_steps (job_id, step_id, tenant_id, transformer_id, status, output, started_at, finished_at)
SELECT j.id, d.key, j.tenant_id, 'echo', 'completed', d.value, j.updated_at, j.updated_at
FROM jobs j, jsonb_each(j.step_data) AS d;
ALTER TABLE jobs DROP COLUMN step_data;

-- A tenant's configured transformers: a built-in type with fixed settings. Secrets are sealed
-- (AES-GCM, bound to the tenant and id) and only their names are readable.
CREATE TABLE transformers (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id text NOT NULL,
    type text NOT NULL,
    description text,
    config jsonb NOT NULL DEFAULT '{}',
    secret_names text[] NOT NULL DEFAULT '{}',
    sealed_secrets bytea,
    version int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['job_steps', 'transformers']
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

ALTER TABLE workflow_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflow_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflow_versions TO switchyard_api
    USING (tenant_id IS NULL OR tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON workflow_versions TO CURRENT_USER USING (true) WITH CHECK (true);

-- Defining workflows and transformers, cancelling jobs through the API.
GRANT SELECT, INSERT ON workflow_versions TO switchyard_api;
GRANT USAGE ON SEQUENCE workflow_versions_id_seq TO switchyard_api;
GRANT INSERT ON workflows TO switchyard_api;
GRANT UPDATE (name, description, definition, version, updated_at) ON workflows TO switchyard_api;
GRANT SELECT ON job_steps TO switchyard_api;
GRANT SELECT, INSERT ON transformers TO switchyard_api;
GRANT UPDATE (type, description, config, secret_names, sealed_secrets, version, updated_at) ON transformers TO switchyard_api;
GRANT UPDATE (status, error, next_retry_at, state_history, updated_at, completed_at) ON jobs TO switchyard_api;
