-- The development pipeline: conversations and their analysis, the plan and build of each
-- project, and a record of every call to an external service.

-- A finished video call: its transcript as the analysis worker read it.
CREATE TABLE conversations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    external_id text NOT NULL,
    transcript jsonb NOT NULL,
    transcript_source text NOT NULL CHECK (transcript_source IN ('inline', 'url', 'vendor_api')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, external_id)
);

-- A project comes from one conversation (conversation_id: the vendor's id); the analysis is
-- what the LLM (or the offline analyst) made of it, the stage timestamps say when each worker
-- finished.
ALTER TABLE projects
    ADD COLUMN analysis jsonb,
    ADD COLUMN priority text,
    ADD COLUMN build_service_project_id text,
    ADD COLUMN analyzed_at timestamptz,
    ADD COLUMN planned_at timestamptz,
    ADD COLUMN build_started_at timestamptz;

-- One project per conversation.
CREATE UNIQUE INDEX projects_conversation ON projects (tenant_id, conversation_id) WHERE conversation_id IS NOT NULL;
-- The build service's callbacks name its build id.
CREATE UNIQUE INDEX projects_build_id ON projects (build_id) WHERE build_id IS NOT NULL;

-- Every call to an external service: which, where, how it went and how long it took. A log:
-- the analysis call's row names the project it is about to create, so project_id has no
-- foreign key.
CREATE TABLE api_usage (
    id bigserial PRIMARY KEY,
    tenant_id uuid REFERENCES tenants (id),
    project_id uuid,
    api text NOT NULL,
    endpoint text NOT NULL,
    status_code int,
    error text,
    response_time_ms int NOT NULL,
    offline boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_usage_api_time ON api_usage (api, created_at);
CREATE INDEX api_usage_project ON api_usage (project_id) WHERE project_id IS NOT NULL;

-- Token buckets shared by every worker process: a provider's calls per second, and how many
-- may run at once (leases that expire, so a dead worker's lease frees itself).
CREATE TABLE provider_limits (
    provider text PRIMARY KEY,
    tokens double precision NOT NULL,
    refilled_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE provider_leases (
    provider text NOT NULL,
    lease_id uuid NOT NULL DEFAULT gen_random_uuid(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (provider, lease_id)
);

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversations TO switchyard_api
    USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON conversations TO CURRENT_USER USING (true) WITH CHECK (true);
