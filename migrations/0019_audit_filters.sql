-- The audit log's filters (GET /api/v1/audit and /amministrazione/audit,
-- audit_store_search) read newest first, ORDER BY id DESC with the id
-- cursor. With a tenant or a user chosen, the primary key's backward scan
-- reads every row of the others until a page is found: on a large log, a
-- quiet ATS or a rare user means the whole table. These indexes give each
-- filter its rows already in id order (ref, no filesort); tenant and days
-- together still use audit_tenant_at. The action filter (a piece of
-- "METHOD route") is a substring match that no index serves. Safe to re-run.

CREATE INDEX IF NOT EXISTS audit_tenant_id ON audit_log (tenant_id, id);
CREATE INDEX IF NOT EXISTS audit_user_id ON audit_log (user_email, id);
