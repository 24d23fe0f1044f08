-- Plans: one per (tenant, cycle), its sections and income lines, and the
-- immutable submissions with their reviews. Every table is keyed by
-- tenant_id first, then cycle_id. Safe to re-run (IF NOT EXISTS).
--
-- Sections and income lines carry a revision: 0 is the working draft, N is
-- the copy frozen by submission N. The comparisons read either revision 0 or
-- plans.revision (each tenant's latest submission) with the same queries.

CREATE TABLE IF NOT EXISTS plans (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  status ENUM('draft', 'submitted', 'changes_requested', 'approved', 'published') NOT NULL DEFAULT 'draft',
  revision INT UNSIGNED NOT NULL DEFAULT 0,       -- latest submission, 0 before the first
  published_revision INT UNSIGNED NULL,           -- the snapshot the public reads
  finance_version INT UNSIGNED NOT NULL DEFAULT 1, -- ETag of /finance
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  created_by BIGINT UNSIGNED NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, cycle_id),
  KEY plans_cycle (cycle_id, tenant_id),
  CONSTRAINT plans_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT plans_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per template section and revision. content is the section's
-- canonical JSON {"indicators":[…],"parts":{…},"spending":[…]}; status,
-- indicators and spending_eur are computed from it on save so that the
-- comparisons never parse JSON.
CREATE TABLE IF NOT EXISTS plan_sections (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  status ENUM('empty', 'partial', 'complete') NOT NULL DEFAULT 'empty',
  content LONGTEXT NOT NULL,
  indicators INT UNSIGNED NOT NULL DEFAULT 0,
  spending_eur DECIMAL(15,2) NOT NULL DEFAULT 0,
  version INT UNSIGNED NOT NULL DEFAULT 1,        -- ETag of the draft section
  updated_at DATETIME(6) NULL,
  updated_by BIGINT UNSIGNED NULL,
  PRIMARY KEY (tenant_id, cycle_id, revision, section_key),
  CONSTRAINT plan_sections_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Voci di entrata, per revision like the sections.
CREATE TABLE IF NOT EXISTS plan_income (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  line_no SMALLINT UNSIGNED NOT NULL,
  source VARCHAR(32) NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  amount_eur DECIMAL(15,2) NOT NULL,
  note VARCHAR(1000) NULL,
  PRIMARY KEY (tenant_id, cycle_id, revision, line_no),
  CONSTRAINT plan_income_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Submissions: append-only. snapshot is the canonical JSON served verbatim
-- by GET …/submissions/{revision}; sha256 is the hex SHA-256 of its bytes.
CREATE TABLE IF NOT EXISTS plan_submissions (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  submitted_at DATETIME(6) NOT NULL,
  submitted_by BIGINT UNSIGNED NOT NULL,
  late TINYINT(1) NOT NULL,
  note VARCHAR(2000) NULL,
  template_version INT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  snapshot LONGTEXT NOT NULL,
  PRIMARY KEY (tenant_id, cycle_id, revision),
  CONSTRAINT plan_submissions_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The Region's decision on a submission (one each): append-only as well.
CREATE TABLE IF NOT EXISTS plan_reviews (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  decision ENUM('approve', 'request_changes') NOT NULL,
  note VARCHAR(5000) NULL,
  reviewed_by BIGINT UNSIGNED NOT NULL,
  reviewed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, cycle_id, revision),
  CONSTRAINT plan_reviews_submission FOREIGN KEY (tenant_id, cycle_id, revision)
    REFERENCES plan_submissions (tenant_id, cycle_id, revision) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Nobody, not even the application, may change or remove a submission or a
-- review. (Cascades from deleting a whole tenant do not fire triggers.)
CREATE TRIGGER IF NOT EXISTS plan_submissions_no_update BEFORE UPDATE ON plan_submissions
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_submissions is append-only';
CREATE TRIGGER IF NOT EXISTS plan_submissions_no_delete BEFORE DELETE ON plan_submissions
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_submissions is append-only';
CREATE TRIGGER IF NOT EXISTS plan_reviews_no_update BEFORE UPDATE ON plan_reviews
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_reviews is append-only';
CREATE TRIGGER IF NOT EXISTS plan_reviews_no_delete BEFORE DELETE ON plan_reviews
  FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'plan_reviews is append-only';

-- Comments on a section (part_key NULL) or one of its parts, with replies.
CREATE TABLE IF NOT EXISTS plan_comments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  part_key VARCHAR(64) NULL,
  reply_to BIGINT UNSIGNED NULL,
  body TEXT NOT NULL,
  author_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  resolved TINYINT(1) NOT NULL DEFAULT 0,
  resolved_by BIGINT UNSIGNED NULL,
  resolved_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY plan_comments_plan (tenant_id, cycle_id, id),
  CONSTRAINT plan_comments_plan FOREIGN KEY (tenant_id, cycle_id)
    REFERENCES plans (tenant_id, cycle_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
