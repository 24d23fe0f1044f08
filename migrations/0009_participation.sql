-- Participation (SPEC §7): an ATS's thematic tables (tavoli tematici) with
-- their participants and meetings, its public calls (manifestazione di
-- interesse) with the candidacies they receive, and its map of local bodies
-- (mappatura degli enti). Every table is keyed by tenant_id first; ids come
-- from AUTO_INCREMENT, each also keyed alone so the counter has an index.

CREATE TABLE IF NOT EXISTS participation_groups (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  cycle_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(300) NOT NULL,
  area VARCHAR(32) NULL,
  sections JSON NOT NULL,
  referent VARCHAR(300) NOT NULL,
  description TEXT NULL,
  version BIGINT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_groups_id (id),
  KEY participation_groups_cycle (tenant_id, cycle_id, id),
  CONSTRAINT participation_groups_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT participation_groups_cycle_fk FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Participants belong to one table; a PATCH that lists them keeps the ids of
-- those it names by id, so meetings' attendance survives an edit.
CREATE TABLE IF NOT EXISTS participation_participants (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  group_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  organization VARCHAR(300) NOT NULL,
  kind VARCHAR(64) NULL,
  role VARCHAR(200) NULL,
  email VARCHAR(254) NULL,
  candidacy_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_participants_id (id),
  KEY participation_participants_group (tenant_id, group_id, position),
  CONSTRAINT participation_participants_group_fk FOREIGN KEY (tenant_id, group_id)
    REFERENCES participation_groups (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS participation_meetings (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  group_id BIGINT UNSIGNED NOT NULL,
  starts_at DATETIME NOT NULL,
  ends_at DATETIME NULL,
  place VARCHAR(300) NOT NULL,
  agenda TEXT NULL,
  minutes MEDIUMTEXT NULL,
  version BIGINT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_meetings_id (id),
  KEY participation_meetings_group (tenant_id, group_id, starts_at),
  KEY participation_meetings_when (tenant_id, starts_at),
  CONSTRAINT participation_meetings_group_fk FOREIGN KEY (tenant_id, group_id)
    REFERENCES participation_groups (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS participation_attendance (
  tenant_id BIGINT UNSIGNED NOT NULL,
  meeting_id BIGINT UNSIGNED NOT NULL,
  participant_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, meeting_id, participant_id),
  KEY participation_attendance_participant (tenant_id, participant_id),
  CONSTRAINT participation_attendance_meeting_fk FOREIGN KEY (tenant_id, meeting_id)
    REFERENCES participation_meetings (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT participation_attendance_participant_fk FOREIGN KEY (tenant_id, participant_id)
    REFERENCES participation_participants (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS participation_calls (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  cycle_id BIGINT UNSIGNED NOT NULL,
  title VARCHAR(300) NOT NULL,
  description TEXT NOT NULL,
  opens_at DATETIME NOT NULL,
  closes_at DATETIME NOT NULL,
  group_ids JSON NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_calls_id (id),
  KEY participation_calls_open (opens_at, closes_at),
  CONSTRAINT participation_calls_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT participation_calls_cycle_fk FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A candidacy's personal data are erased (set NULL, erased_at set) when the
-- coordinator deletes a rejected or withdrawn one; the row stays as the
-- tombstone the audit log points to.
CREATE TABLE IF NOT EXISTS participation_candidacies (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  call_id BIGINT UNSIGNED NOT NULL,
  status ENUM('received', 'accepted', 'rejected', 'withdrawn') NOT NULL DEFAULT 'received',
  organization VARCHAR(300) NULL,
  kind VARCHAR(64) NULL,
  contact_name VARCHAR(200) NULL,
  email VARCHAR(254) NULL,
  group_ids JSON NULL,
  motivation TEXT NULL,
  consent_at DATETIME(6) NULL,
  received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  decided_at DATETIME(6) NULL,
  decided_by BIGINT UNSIGNED NULL,
  erased_at DATETIME(6) NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_candidacies_id (id),
  KEY participation_candidacies_call (tenant_id, call_id, id),
  CONSTRAINT participation_candidacies_call_fk FOREIGN KEY (tenant_id, call_id)
    REFERENCES participation_calls (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS participation_stakeholders (
  tenant_id BIGINT UNSIGNED NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(300) NOT NULL,
  kind VARCHAR(64) NOT NULL,
  comune VARCHAR(200) NULL,
  contact VARCHAR(300) NULL,
  public TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY participation_stakeholders_id (id),
  KEY participation_stakeholders_public (tenant_id, public, kind, comune),
  CONSTRAINT participation_stakeholders_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
