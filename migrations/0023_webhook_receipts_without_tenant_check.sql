-- Webhook receipts without a foreign key to tenants.
--
-- A receipt's tenant is the one its source is configured for, read from `tenants` by the ingress
-- (TenantDirectory) before the receipt is written, and tenants are never deleted. The key's check
-- ran once per receipt inside every acceptance transaction: a query of `tenants` that also took
-- a FOR KEY SHARE lock on the tenant's row, which concurrent acceptance groups turned into a
-- MultiXact. Transactions inserting 30 receipts each ran at 3,255-3,368 a second with the check
-- and 4,612-4,855 without it (pgbench, 2 clients, synchronous_commit off).
ALTER TABLE webhook_receipts DROP CONSTRAINT IF EXISTS webhook_receipts_tenant_id_fkey;
