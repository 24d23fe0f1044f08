-- One aggregate row per plan revision and comparison column: what the
-- coverage (by action, by objective) and the finance by area read, instead
-- of joining every section of every tenant with the template's tags at each
-- request (the covering index of 0017 did not make that join cheap enough:
-- MariaDB still reads and groups some 60 section rows a tenant).
--
-- kind 'action' and 'objective': the non-empty sections tagged with the
-- column's action (or with an action of the objective, a section counted
-- once per objective), how many are complete, their indicators and
-- spending. kind 'area': the spending of the sections of that policy area,
-- whatever their status (only sections that spend something add a row).
-- A row whose figures fell back to 0 reads as no row.
--
-- Kept by the triggers below in the very statement (and so the transaction)
-- that writes the section, as plan_section_spending (0012): a save (UPDATE
-- of revision 0), a new plan (INSERT), a submission (INSERT ... SELECT of
-- the draft as revision N), the demo loader; every revision has its rows,
-- so any revision can be compared. The template's tags and areas cannot
-- change under them: a cycle's rules are locked once it leaves the draft
-- state, before any plan exists. Deleting a plan deletes its rows (the
-- cascade, which fires no trigger). Safe to re-run.
CREATE TABLE IF NOT EXISTS plan_figures (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  kind ENUM('action', 'objective', 'area') NOT NULL,
  code VARCHAR(16) NOT NULL,
  sections INT NOT NULL,
  complete INT NOT NULL,
  indicators BIGINT NOT NULL,
  spending_eur DECIMAL(20,2) NOT NULL,
  PRIMARY KEY (tenant_id, cycle_id, revision, kind, code),
  CONSTRAINT plan_figures_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A section row's share, added (NEW) or taken away (OLD, the figures
-- negated; the indicators cast, as a negative unsigned product is an
-- error). The blocks differ only in the row and the sign; a row that adds
-- nothing (an empty section that spends nothing, as a new plan's) runs no
-- statement.
CREATE TRIGGER IF NOT EXISTS plan_sections_figures_insert AFTER INSERT ON plan_sections FOR EACH ROW
BEGIN
  IF NEW.status <> 'empty' THEN
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'action', sa.action_code,
      1, NEW.status = 'complete', NEW.indicators, NEW.spending_eur
    FROM section_actions sa WHERE sa.cycle_id = NEW.cycle_id AND sa.section_key = NEW.section_key
    ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
      indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT DISTINCT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'objective', ca.objective_code,
      1, NEW.status = 'complete', NEW.indicators, NEW.spending_eur
    FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code
    WHERE sa.cycle_id = NEW.cycle_id AND sa.section_key = NEW.section_key
    ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
      indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
  END IF;
  IF NEW.spending_eur <> 0 THEN
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'area', ts.area_code, 0, 0, 0, NEW.spending_eur
    FROM template_sections ts WHERE ts.cycle_id = NEW.cycle_id AND ts.section_key = NEW.section_key
      AND ts.area_code IS NOT NULL
    ON DUPLICATE KEY UPDATE spending_eur = spending_eur + VALUE(spending_eur);
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS plan_sections_figures_update AFTER UPDATE ON plan_sections FOR EACH ROW
BEGIN
  IF NEW.status <> OLD.status OR NEW.indicators <> OLD.indicators OR NEW.spending_eur <> OLD.spending_eur
     OR NEW.tenant_id <> OLD.tenant_id OR NEW.cycle_id <> OLD.cycle_id OR NEW.revision <> OLD.revision
     OR NEW.section_key <> OLD.section_key THEN
    IF OLD.status <> 'empty' THEN
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'action', sa.action_code,
        -1, -(OLD.status = 'complete'), -CAST(OLD.indicators AS SIGNED), -OLD.spending_eur
      FROM section_actions sa WHERE sa.cycle_id = OLD.cycle_id AND sa.section_key = OLD.section_key
      ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
        indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT DISTINCT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'objective', ca.objective_code,
        -1, -(OLD.status = 'complete'), -CAST(OLD.indicators AS SIGNED), -OLD.spending_eur
      FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code
      WHERE sa.cycle_id = OLD.cycle_id AND sa.section_key = OLD.section_key
      ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
        indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
    END IF;
    IF OLD.spending_eur <> 0 THEN
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'area', ts.area_code, 0, 0, 0, -OLD.spending_eur
      FROM template_sections ts WHERE ts.cycle_id = OLD.cycle_id AND ts.section_key = OLD.section_key
        AND ts.area_code IS NOT NULL
      ON DUPLICATE KEY UPDATE spending_eur = spending_eur + VALUE(spending_eur);
    END IF;
    IF NEW.status <> 'empty' THEN
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'action', sa.action_code,
        1, NEW.status = 'complete', NEW.indicators, NEW.spending_eur
      FROM section_actions sa WHERE sa.cycle_id = NEW.cycle_id AND sa.section_key = NEW.section_key
      ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
        indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT DISTINCT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'objective', ca.objective_code,
        1, NEW.status = 'complete', NEW.indicators, NEW.spending_eur
      FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code
      WHERE sa.cycle_id = NEW.cycle_id AND sa.section_key = NEW.section_key
      ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
        indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
    END IF;
    IF NEW.spending_eur <> 0 THEN
      INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
      SELECT NEW.tenant_id, NEW.cycle_id, NEW.revision, 'area', ts.area_code, 0, 0, 0, NEW.spending_eur
      FROM template_sections ts WHERE ts.cycle_id = NEW.cycle_id AND ts.section_key = NEW.section_key
        AND ts.area_code IS NOT NULL
      ON DUPLICATE KEY UPDATE spending_eur = spending_eur + VALUE(spending_eur);
    END IF;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS plan_sections_figures_delete AFTER DELETE ON plan_sections FOR EACH ROW
BEGIN
  IF OLD.status <> 'empty' THEN
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'action', sa.action_code,
      -1, -(OLD.status = 'complete'), -CAST(OLD.indicators AS SIGNED), -OLD.spending_eur
    FROM section_actions sa WHERE sa.cycle_id = OLD.cycle_id AND sa.section_key = OLD.section_key
    ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
      indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT DISTINCT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'objective', ca.objective_code,
      -1, -(OLD.status = 'complete'), -CAST(OLD.indicators AS SIGNED), -OLD.spending_eur
    FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code
    WHERE sa.cycle_id = OLD.cycle_id AND sa.section_key = OLD.section_key
    ON DUPLICATE KEY UPDATE sections = sections + VALUE(sections), complete = complete + VALUE(complete),
      indicators = indicators + VALUE(indicators), spending_eur = spending_eur + VALUE(spending_eur);
  END IF;
  IF OLD.spending_eur <> 0 THEN
    INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
    SELECT OLD.tenant_id, OLD.cycle_id, OLD.revision, 'area', ts.area_code, 0, 0, 0, -OLD.spending_eur
    FROM template_sections ts WHERE ts.cycle_id = OLD.cycle_id AND ts.section_key = OLD.section_key
      AND ts.area_code IS NOT NULL
    ON DUPLICATE KEY UPDATE spending_eur = spending_eur + VALUE(spending_eur);
  END IF;
END;

-- The rows written before this migration, computed as the comparisons
-- computed them at each request; a re-run overwrites them with the same
-- figures.
INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
SELECT ps.tenant_id, ps.cycle_id, ps.revision, 'action', sa.action_code, COUNT(*), SUM(ps.status = 'complete'),
  SUM(ps.indicators), SUM(ps.spending_eur)
FROM plan_sections ps JOIN section_actions sa ON sa.cycle_id = ps.cycle_id AND sa.section_key = ps.section_key
WHERE ps.status <> 'empty'
GROUP BY ps.tenant_id, ps.cycle_id, ps.revision, sa.action_code
ON DUPLICATE KEY UPDATE sections = VALUE(sections), complete = VALUE(complete), indicators = VALUE(indicators),
  spending_eur = VALUE(spending_eur);

INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
SELECT ps.tenant_id, ps.cycle_id, ps.revision, 'objective', tag.code, COUNT(*), SUM(ps.status = 'complete'),
  SUM(ps.indicators), SUM(ps.spending_eur)
FROM plan_sections ps JOIN (SELECT DISTINCT sa.cycle_id, sa.section_key, ca.objective_code AS code
  FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code) tag
  ON tag.cycle_id = ps.cycle_id AND tag.section_key = ps.section_key
WHERE ps.status <> 'empty'
GROUP BY ps.tenant_id, ps.cycle_id, ps.revision, tag.code
ON DUPLICATE KEY UPDATE sections = VALUE(sections), complete = VALUE(complete), indicators = VALUE(indicators),
  spending_eur = VALUE(spending_eur);

INSERT INTO plan_figures (tenant_id, cycle_id, revision, kind, code, sections, complete, indicators, spending_eur)
SELECT ps.tenant_id, ps.cycle_id, ps.revision, 'area', ts.area_code, 0, 0, 0, SUM(ps.spending_eur)
FROM plan_sections ps JOIN template_sections ts ON ts.cycle_id = ps.cycle_id AND ts.section_key = ps.section_key
WHERE ts.area_code IS NOT NULL AND ps.spending_eur <> 0
GROUP BY ps.tenant_id, ps.cycle_id, ps.revision, ts.area_code
ON DUPLICATE KEY UPDATE spending_eur = VALUE(spending_eur);
