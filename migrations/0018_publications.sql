-- Each publication of a plan: which revision became public and when, for the
-- transparency portal and the open-data catalogue (append-only). Plans
-- published before this table existed get the plan's last change as their
-- date, the best that was recorded.
CREATE TABLE IF NOT EXISTS plan_publications (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  published_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, cycle_id, revision),
  KEY plan_publications_cycle (cycle_id, published_at),
  CONSTRAINT plan_publications_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO plan_publications (tenant_id, cycle_id, revision, published_at)
  SELECT tenant_id, cycle_id, published_revision, updated_at FROM plans WHERE published_revision IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS plan_publications_no_update BEFORE UPDATE ON plan_publications FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_publications is append-only';
CREATE TRIGGER IF NOT EXISTS plan_publications_no_delete BEFORE DELETE ON plan_publications FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_publications is append-only';
