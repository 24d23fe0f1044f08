-- A Region's frame in full: group headings above the sections (an Obiettivo
-- and its sub-groups), the guidelines' advice beside each part, the norms'
-- category, and the cycle file's notes (choices and corrected headings).
-- Safe to re-run.

ALTER TABLE template_sections
  MODIFY group_code VARCHAR(16) NOT NULL;

ALTER TABLE template_parts
  ADD COLUMN IF NOT EXISTS guidance TEXT NULL;

ALTER TABLE cycle_norms
  ADD COLUMN IF NOT EXISTS category ENUM('legge', 'delibera', 'atto_dirigenziale', 'accordo') NULL AFTER citation;

-- In print order, parents before children; parent_key NULL at the top.
CREATE TABLE IF NOT EXISTS template_groups (
  cycle_id BIGINT UNSIGNED NOT NULL,
  group_key VARCHAR(16) NOT NULL,
  position INT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  parent_key VARCHAR(16) NULL,
  PRIMARY KEY (cycle_id, group_key),
  KEY template_groups_position (cycle_id, position),
  CONSTRAINT template_groups_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Notes of a cycle file; original and corrected are set for a correction.
CREATE TABLE IF NOT EXISTS cycle_notes (
  cycle_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  text TEXT NOT NULL,
  original VARCHAR(1000) NULL,
  corrected VARCHAR(1000) NULL,
  PRIMARY KEY (cycle_id, position),
  CONSTRAINT cycle_notes_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
