-- The event that started several automation executions, stored once for all of them.
-- Before, each execution held its own copy as `trigger_data`: 500 automations matching one
-- 256 KiB event wrote 128 MB. Executions of such an event leave `trigger_data` NULL and the API
-- reads the event from here; a lone execution keeps the event in its own row.
CREATE TABLE automation_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    event_id text NOT NULL,
    event_type text NOT NULL,
    data jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

ALTER TABLE automation_executions ALTER COLUMN trigger_data DROP NOT NULL;

-- An event goes with the last of its executions (pruned, or deleted by hand).
CREATE FUNCTION switchyard_automation_events_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM automation_events v
    USING (SELECT DISTINCT tenant_id, event_id FROM gone) g
    WHERE v.tenant_id = g.tenant_id AND v.event_id = g.event_id
      AND NOT EXISTS (
          SELECT 1 FROM automation_executions e WHERE e.event_id = v.event_id AND e.tenant_id = v.tenant_id);
    RETURN NULL;
END $$;

CREATE TRIGGER automation_executions_deleted AFTER DELETE ON automation_executions
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION switchyard_automation_events_unreferenced();

-- Row-level security, forced, like every tenant table: the API reads its tenant's events only.
ALTER TABLE automation_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE automation_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automation_events TO switchyard_api
    USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON automation_events TO CURRENT_USER USING (true) WITH CHECK (true);
GRANT SELECT ON automation_events TO switchyard_api;
