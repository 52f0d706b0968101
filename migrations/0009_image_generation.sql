-- Image generation: a generation's style, its content strategy (carousels) and its slides
-- (carousel_slides: one row per slide, with where its image is stored), and cancellation.

ALTER TABLE generation_jobs DROP CONSTRAINT generation_jobs_status_check;
ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_status_check
    CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled'));
ALTER TABLE generation_jobs
    ADD COLUMN style jsonb,
    ADD COLUMN started_at timestamptz;

-- The content strategy of a generation, as the strategist answered it (validated).
CREATE TABLE carousels (
    generation_id uuid PRIMARY KEY REFERENCES generation_jobs (id),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    title text NOT NULL,
    strategy jsonb NOT NULL,
    strategist text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One slide of a carousel: its text, and once rendered, its image in the blob store. The times
-- measure the fleet: picked up (handler start), rendered (ms), committed.
CREATE TABLE carousel_slides (
    generation_id uuid NOT NULL REFERENCES generation_jobs (id),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    slide_index int NOT NULL CHECK (slide_index >= 1),
    title text NOT NULL,
    body text NOT NULL,
    image_prompt text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    blob_key text,
    content_type text,
    width int,
    height int,
    bytes int,
    sha256 text,
    image_provider text,
    error text,
    picked_up_at timestamptz,
    render_ms double precision,
    completed_at timestamptz,
    PRIMARY KEY (generation_id, slide_index)
);

ALTER TABLE carousels ENABLE ROW LEVEL SECURITY;
ALTER TABLE carousels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON carousels TO switchyard_api
    USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON carousels TO CURRENT_USER USING (true) WITH CHECK (true);
ALTER TABLE carousel_slides ENABLE ROW LEVEL SECURITY;
ALTER TABLE carousel_slides FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON carousel_slides TO switchyard_api
    USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON carousel_slides TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT ON carousels, carousel_slides TO switchyard_api;
-- Cancelling through the API.
GRANT UPDATE (status, progress_message, updated_at, completed_at) ON generation_jobs TO switchyard_api;
