-- plans.index_version: a value that moves with every change to what the
-- plan's index page shows besides the plan row itself, so that a worker may
-- keep the index's rows (tenants/plans/plan_index_cache.c) and read them
-- again only when it moved. What the index shows: the draft sections'
-- status, time and author (revision 0 of plan_sections, and the author's
-- name in users), the open comments per section (plan_comments) and the
-- Region's allocations to the ATS (allocations).
--
-- Moved by the triggers below, in the very statement (and so the
-- transaction) that writes those rows, whichever code path or process
-- writes them, to GREATEST(index_version + 1, UUID_SHORT()): above the
-- plan's last value, so never the same twice for one plan (writes of one
-- row are serialized, on Galera too, where nodes may share a server_id and
-- so UUID_SHORT()'s values), and past every value given before the server
-- last started (UUID_SHORT() begins at its start time): a restored plan
-- takes back the value that named its restored rows, and its next change
-- moves past every value a worker may have kept. So a kept value that
-- matches always names the same rows. The BEFORE triggers take the plan
-- row's exclusive lock before the foreign key check takes a shared one: two
-- writers never both hold it shared and wait to upgrade (a deadlock).
-- Deleting a plan cascades without triggers, and the plan row goes with it.
-- Safe to re-run.
--
-- The existing plans get their first value from an UPDATE, not from the
-- column's default: Galera runs an ALTER on every node, each of which would
-- compute UUID_SHORT() for itself, while an UPDATE's rows replicate as
-- written. 0 is never a plan's value once this has run (a copy is never
-- kept under 0).
ALTER TABLE plans ADD COLUMN IF NOT EXISTS index_version BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE plans ALTER COLUMN index_version SET DEFAULT (UUID_SHORT());
UPDATE plans SET index_version = UUID_SHORT() WHERE index_version = 0;

CREATE TRIGGER IF NOT EXISTS plan_sections_index_insert BEFORE INSERT ON plan_sections FOR EACH ROW
BEGIN
  IF NEW.revision = 0 THEN
    UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
      WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS plan_sections_index_update BEFORE UPDATE ON plan_sections FOR EACH ROW
BEGIN
  IF NEW.revision = 0 OR OLD.revision = 0 THEN
    UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
      WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;
    UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
      WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS plan_sections_index_delete BEFORE DELETE ON plan_sections FOR EACH ROW
BEGIN
  IF OLD.revision = 0 THEN
    UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
      WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS plan_comments_index_insert BEFORE INSERT ON plan_comments FOR EACH ROW
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;

CREATE TRIGGER IF NOT EXISTS plan_comments_index_update BEFORE UPDATE ON plan_comments FOR EACH ROW
BEGIN
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;
END;

CREATE TRIGGER IF NOT EXISTS plan_comments_index_delete BEFORE DELETE ON plan_comments FOR EACH ROW
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;

CREATE TRIGGER IF NOT EXISTS allocations_index_insert BEFORE INSERT ON allocations FOR EACH ROW
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;

CREATE TRIGGER IF NOT EXISTS allocations_index_update BEFORE UPDATE ON allocations FOR EACH ROW
BEGIN
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.cycle_id;
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;
END;

CREATE TRIGGER IF NOT EXISTS allocations_index_delete BEFORE DELETE ON allocations FOR EACH ROW
  UPDATE plans SET index_version = GREATEST(index_version + 1, UUID_SHORT())
    WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id;

-- A new name shows on the index of every plan whose draft sections this
-- user saved last (rare: a scan of the draft sections is fine).
CREATE TRIGGER IF NOT EXISTS users_index_name AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF NOT (NEW.name <=> OLD.name) THEN
    UPDATE plans p SET p.index_version = GREATEST(p.index_version + 1, UUID_SHORT())
    WHERE (p.tenant_id, p.cycle_id) IN
      (SELECT s.tenant_id, s.cycle_id FROM plan_sections s WHERE s.revision = 0 AND s.updated_by = NEW.id);
  END IF;
END;
