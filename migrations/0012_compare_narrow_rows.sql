-- Narrow rows for the allocations comparison, so that it never reads the
-- sections' text (most of every plan_sections row's bytes). Safe to re-run.

-- The spending lines of each section revision summed per funding source:
-- what the allocations comparison reads, instead of parsing every section's
-- JSON at every request. Kept by the triggers below in the very statement
-- (and so the transaction) that writes the section: a save (UPDATE of
-- revision 0), a new plan (INSERT), a submission (INSERT ... SELECT of the
-- draft as revision N), the demo loader. Amounts are read exactly as the
-- comparison read them (DECIMAL(15,2) from the JSON's two-decimal text);
-- the per-section sum is wider, since up to 500 lines may be summed.
CREATE TABLE IF NOT EXISTS plan_section_spending (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  source VARCHAR(32) NULL,
  amount_eur DECIMAL(20,2) NOT NULL,
  KEY plan_section_spending_section (tenant_id, cycle_id, revision, section_key, source, amount_eur),
  CONSTRAINT plan_section_spending_section FOREIGN KEY (tenant_id, cycle_id, revision, section_key)
    REFERENCES plan_sections (tenant_id, cycle_id, revision, section_key) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER IF NOT EXISTS plan_sections_spending_insert AFTER INSERT ON plan_sections FOR EACH ROW
  INSERT INTO plan_section_spending (tenant_id, cycle_id, revision, section_key, source, amount_eur)
  SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, NEW.section_key, js.source, SUM(js.amount)
  FROM JSON_TABLE(NEW.content, '$.spending[*]' COLUMNS (
    source VARCHAR(32) PATH '$.funding_source', amount DECIMAL(15,2) PATH '$.amount_eur')) js
  GROUP BY js.source;

CREATE TRIGGER IF NOT EXISTS plan_sections_spending_update AFTER UPDATE ON plan_sections FOR EACH ROW
BEGIN
  IF NOT (NEW.content <=> OLD.content) OR NEW.revision <> OLD.revision OR NEW.section_key <> OLD.section_key THEN
    DELETE FROM plan_section_spending WHERE tenant_id = OLD.tenant_id AND cycle_id = OLD.cycle_id
      AND revision = OLD.revision AND section_key = OLD.section_key;
    INSERT INTO plan_section_spending (tenant_id, cycle_id, revision, section_key, source, amount_eur)
    SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, NEW.section_key, js.source, SUM(js.amount)
    FROM JSON_TABLE(NEW.content, '$.spending[*]' COLUMNS (
      source VARCHAR(32) PATH '$.funding_source', amount DECIMAL(15,2) PATH '$.amount_eur')) js
    GROUP BY js.source;
  END IF;
END;

-- The rows written before this migration.
INSERT INTO plan_section_spending (tenant_id, cycle_id, revision, section_key, source, amount_eur)
SELECT ps.tenant_id, ps.cycle_id, ps.revision, ps.section_key, js.source, SUM(js.amount)
FROM plan_sections ps CROSS JOIN JSON_TABLE(ps.content, '$.spending[*]' COLUMNS (
  source VARCHAR(32) PATH '$.funding_source', amount DECIMAL(15,2) PATH '$.amount_eur')) js
WHERE NOT EXISTS (SELECT 1 FROM plan_section_spending x WHERE x.tenant_id = ps.tenant_id
  AND x.cycle_id = ps.cycle_id AND x.revision = ps.revision AND x.section_key = ps.section_key)
GROUP BY ps.tenant_id, ps.cycle_id, ps.revision, ps.section_key, js.source;
