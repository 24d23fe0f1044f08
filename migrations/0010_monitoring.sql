-- Yearly monitoring of an approved plan (monitoraggio) and its annual update
-- (aggiornamento). The working entry of a year is one canonical JSON document
-- per (tenant, cycle, year) that the ATS edits; a submitted report is an
-- immutable copy with its SHA-256, reviewed once by the Region; a reopening
-- records who reopened the plan, when and why. Indicators' baseline and
-- target need no change of the stored sections: a number sent as a number
-- is kept as a JSON number, and a string that reads as a plain decimal is
-- read as that number where a number is needed (progress, comparison).
-- Safe to re-run.

CREATE TABLE IF NOT EXISTS plan_monitoring (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  content LONGTEXT NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_by BIGINT UNSIGNED NULL,
  PRIMARY KEY (tenant_id, cycle_id, year),
  CONSTRAINT plan_monitoring_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The cycle index serves the comparison: the latest report of every tenant
-- for one year.
CREATE TABLE IF NOT EXISTS plan_monitoring_reports (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  number INT UNSIGNED NOT NULL,
  plan_revision INT UNSIGNED NOT NULL,
  submitted_at DATETIME(6) NOT NULL,
  submitted_by BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  report LONGTEXT NOT NULL,
  PRIMARY KEY (tenant_id, cycle_id, year, number),
  KEY plan_monitoring_reports_cycle (cycle_id, year, tenant_id, number),
  CONSTRAINT plan_monitoring_reports_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each report's indicators and spending as rows, written with the report and
-- never changed: the comparison across ATS reads these, not 600 documents.
-- item is the indicator's object in the report, byte for byte.
CREATE TABLE IF NOT EXISTS plan_monitoring_report_values (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  number INT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (tenant_id, cycle_id, year, number, position),
  KEY plan_monitoring_report_values_section (cycle_id, year, section_key),
  CONSTRAINT plan_monitoring_report_values_report FOREIGN KEY (tenant_id, cycle_id, year, number)
    REFERENCES plan_monitoring_reports (tenant_id, cycle_id, year, number) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS plan_monitoring_report_spending (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  number INT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  source VARCHAR(32) NOT NULL,
  planned_eur DECIMAL(15,2) NOT NULL,
  amount_eur DECIMAL(15,2) NULL,
  PRIMARY KEY (tenant_id, cycle_id, year, number, section_key, source),
  KEY plan_monitoring_report_spending_year (cycle_id, year),
  CONSTRAINT plan_monitoring_report_spending_report FOREIGN KEY (tenant_id, cycle_id, year, number)
    REFERENCES plan_monitoring_reports (tenant_id, cycle_id, year, number) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS plan_monitoring_reviews (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  number INT UNSIGNED NOT NULL,
  decision ENUM('accept', 'request_changes') NOT NULL,
  note VARCHAR(5000) NULL,
  reviewed_by BIGINT UNSIGNED NOT NULL,
  reviewed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, cycle_id, year, number),
  CONSTRAINT plan_monitoring_reviews_report FOREIGN KEY (tenant_id, cycle_id, year, number)
    REFERENCES plan_monitoring_reports (tenant_id, cycle_id, year, number) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER IF NOT EXISTS plan_monitoring_reports_no_update BEFORE UPDATE ON plan_monitoring_reports
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_reports is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_reports_no_delete BEFORE DELETE ON plan_monitoring_reports
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_reports is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_report_values_no_update BEFORE UPDATE ON plan_monitoring_report_values
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_report_values is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_report_values_no_delete BEFORE DELETE ON plan_monitoring_report_values
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_report_values is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_report_spending_no_update BEFORE UPDATE ON plan_monitoring_report_spending
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_report_spending is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_report_spending_no_delete BEFORE DELETE ON plan_monitoring_report_spending
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_report_spending is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_reviews_no_update BEFORE UPDATE ON plan_monitoring_reviews
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_reviews is append-only';
CREATE TRIGGER IF NOT EXISTS plan_monitoring_reviews_no_delete BEFORE DELETE ON plan_monitoring_reviews
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_monitoring_reviews is append-only';

-- Annual updates: a reopened approved or published plan (append-only too).
CREATE TABLE IF NOT EXISTS plan_reopenings (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  after_revision INT UNSIGNED NOT NULL,
  reason VARCHAR(2000) NOT NULL,
  reopened_by BIGINT UNSIGNED NOT NULL,
  reopened_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, cycle_id, after_revision),
  CONSTRAINT plan_reopenings_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TRIGGER IF NOT EXISTS plan_reopenings_no_update BEFORE UPDATE ON plan_reopenings
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_reopenings is append-only';
CREATE TRIGGER IF NOT EXISTS plan_reopenings_no_delete BEFORE DELETE ON plan_reopenings
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_reopenings is append-only';

-- When each revision was published, so the public document can show the
-- plan's history; the plans published before this table existed get the
-- time of their last change, the best the database knows.
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
CREATE TRIGGER IF NOT EXISTS plan_publications_no_update BEFORE UPDATE ON plan_publications
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_publications is append-only';
CREATE TRIGGER IF NOT EXISTS plan_publications_no_delete BEFORE DELETE ON plan_publications
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_publications is append-only';
