-- Planning cycles and the common rules the Region publishes for each: the
-- catalogue (strategic objectives, azioni di sistema, policy areas, funding
-- sources), the riferimenti normativi, the glossary and the plan template.
-- Every table is keyed by cycle_id first. Safe to re-run (IF NOT EXISTS).
--
-- The template names catalogue codes (actions, areas) without foreign keys:
-- a PUT replaces a whole resource by delete-and-insert, which immediate FK
-- checks would refuse half-way; the code checks the references under the
-- cycle's row lock instead.

-- One row per cycle. Each editable resource has its own version counter,
-- which is its ETag; plans record template_version.
CREATE TABLE IF NOT EXISTS cycles (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(64) NOT NULL,
  title VARCHAR(300) NOT NULL,
  reference VARCHAR(1000) NOT NULL DEFAULT '',
  start_year SMALLINT UNSIGNED NOT NULL,
  end_year SMALLINT UNSIGNED NOT NULL,
  submission_deadline DATETIME(6) NULL,
  status ENUM('draft', 'open', 'closed') NOT NULL DEFAULT 'draft',
  version INT UNSIGNED NOT NULL DEFAULT 1,
  catalog_version INT UNSIGNED NOT NULL DEFAULT 1,
  norms_version INT UNSIGNED NOT NULL DEFAULT 1,
  glossary_version INT UNSIGNED NOT NULL DEFAULT 1,
  template_version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY cycles_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cycle_objectives (
  cycle_id BIGINT UNSIGNED NOT NULL,
  code VARCHAR(8) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  PRIMARY KEY (cycle_id, code),
  KEY cycle_objectives_position (cycle_id, position),
  CONSTRAINT cycle_objectives_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Azioni di sistema, each under one objective (its code starts with it).
CREATE TABLE IF NOT EXISTS cycle_actions (
  cycle_id BIGINT UNSIGNED NOT NULL,
  code VARCHAR(16) NOT NULL,
  objective_code VARCHAR(8) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  PRIMARY KEY (cycle_id, code),
  KEY cycle_actions_objective (cycle_id, objective_code, position),
  CONSTRAINT cycle_actions_objective FOREIGN KEY (cycle_id, objective_code)
    REFERENCES cycle_objectives (cycle_id, code) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Policy areas (Obiettivo B: B1 ... B9).
CREATE TABLE IF NOT EXISTS cycle_areas (
  cycle_id BIGINT UNSIGNED NOT NULL,
  code VARCHAR(8) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  PRIMARY KEY (cycle_id, code),
  KEY cycle_areas_position (cycle_id, position),
  CONSTRAINT cycle_areas_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Funding sources (voci di entrata) plans' spending and income refer to.
CREATE TABLE IF NOT EXISTS cycle_funding_sources (
  cycle_id BIGINT UNSIGNED NOT NULL,
  code VARCHAR(32) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  PRIMARY KEY (cycle_id, code),
  KEY cycle_funding_sources_position (cycle_id, position),
  CONSTRAINT cycle_funding_sources_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Riferimenti normativi, the same for every ATS.
CREATE TABLE IF NOT EXISTS cycle_norms (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  cycle_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  level ENUM('national', 'regional') NOT NULL,
  title VARCHAR(1000) NOT NULL,
  citation VARCHAR(500) NOT NULL,
  date DATE NULL,
  url VARCHAR(2000) NULL,
  PRIMARY KEY (id),
  KEY cycle_norms_position (cycle_id, position),
  CONSTRAINT cycle_norms_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cycle_glossary_terms (
  cycle_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  term VARCHAR(200) NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY (cycle_id, position),
  CONSTRAINT cycle_glossary_terms_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The plan index, in order. area_code names a cycle_areas code (or NULL).
CREATE TABLE IF NOT EXISTS template_sections (
  cycle_id BIGINT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  group_code CHAR(1) NOT NULL,
  area_code VARCHAR(8) NULL,
  PRIMARY KEY (cycle_id, section_key),
  KEY template_sections_position (cycle_id, position),
  KEY template_sections_area (cycle_id, area_code),
  CONSTRAINT template_sections_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS template_parts (
  cycle_id BIGINT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  part_key VARCHAR(64) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  required TINYINT(1) NOT NULL,
  max_chars INT UNSIGNED NOT NULL,
  PRIMARY KEY (cycle_id, section_key, part_key),
  KEY template_parts_position (cycle_id, section_key, position),
  CONSTRAINT template_parts_section FOREIGN KEY (cycle_id, section_key)
    REFERENCES template_sections (cycle_id, section_key) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which azioni di sistema a section carries (many-to-many, ordered). The
-- comparisons look sections up by action: hence (cycle_id, action_code).
CREATE TABLE IF NOT EXISTS section_actions (
  cycle_id BIGINT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  action_code VARCHAR(16) NOT NULL,
  position INT UNSIGNED NOT NULL,
  PRIMARY KEY (cycle_id, section_key, action_code),
  KEY section_actions_action (cycle_id, action_code),
  CONSTRAINT section_actions_section FOREIGN KEY (cycle_id, section_key)
    REFERENCES template_sections (cycle_id, section_key) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The structured blocks a section asks for besides its text parts, ordered.
CREATE TABLE IF NOT EXISTS section_blocks (
  cycle_id BIGINT UNSIGNED NOT NULL,
  section_key VARCHAR(16) NOT NULL,
  block ENUM('indicators', 'spending', 'working_group') NOT NULL,
  position INT UNSIGNED NOT NULL,
  PRIMARY KEY (cycle_id, section_key, block),
  CONSTRAINT section_blocks_section FOREIGN KEY (cycle_id, section_key)
    REFERENCES template_sections (cycle_id, section_key) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
