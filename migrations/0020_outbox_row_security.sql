-- The outbox under row-level security, forced, like every tenant table: the API role (which may
-- insert into it and read back the ids of its rows) writes and sees its transaction's tenant's
-- events only, never a system event (NULL tenant); the migrating user, which the workers and
-- the relay use, keeps every row.
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox TO switchyard_api
    USING (tenant_id = switchyard_current_tenant()) WITH CHECK (tenant_id = switchyard_current_tenant());
CREATE POLICY fleet ON outbox TO CURRENT_USER USING (true) WITH CHECK (true);
