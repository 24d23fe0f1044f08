-- Tenants (ATS) and their Comuni, users with their roles, logins and refresh
-- tokens, login throttling, and the append-only audit log.
-- Every tenant table has tenant_id first in its keys. Files must be safe to
-- re-run (IF NOT EXISTS): a crash between a file and its record re-runs it.

CREATE TABLE IF NOT EXISTS tenants (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(64) NOT NULL,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  capofila VARCHAR(200) NOT NULL DEFAULT '',
  ente_gestore VARCHAR(200) NOT NULL DEFAULT '',
  province CHAR(2) NOT NULL DEFAULT '',
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY tenants_slug (slug),
  UNIQUE KEY tenants_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS comuni (
  tenant_id BIGINT UNSIGNED NOT NULL,
  istat_code CHAR(6) NOT NULL,
  name VARCHAR(200) NOT NULL,
  population INT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, istat_code),
  UNIQUE KEY comuni_istat (istat_code),
  CONSTRAINT comuni_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(200) NOT NULL DEFAULT '',
  region_role ENUM('region_admin', 'region_reviewer', 'university') NULL,
  password_hash VARCHAR(255) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS memberships (
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  role ENUM('ats_coordinator', 'ats_editor', 'ats_viewer') NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, user_id),
  KEY memberships_user (user_id),
  CONSTRAINT memberships_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT memberships_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS assignments (
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, user_id),
  KEY assignments_user (user_id),
  CONSTRAINT assignments_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT assignments_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per login; access tokens carry its id ("sid"), refresh tokens
-- belong to it. Revoking it ends every token of that login at once.
CREATE TABLE IF NOT EXISTS logins (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  revoked_at DATETIME(6) NULL,
  revoked_why VARCHAR(64) NULL,
  client VARCHAR(64) NOT NULL DEFAULT '',
  KEY logins_user (user_id),
  CONSTRAINT logins_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refresh tokens are stored only as SHA-256 hashes.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash BINARY(32) NOT NULL PRIMARY KEY,
  login_id BIGINT UNSIGNED NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY refresh_login (login_id),
  CONSTRAINT refresh_login FOREIGN KEY (login_id) REFERENCES logins (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed-login counters per account and per client address, shared by every
-- instance through the database.
CREATE TABLE IF NOT EXISTS login_throttle (
  scope_key VARCHAR(300) NOT NULL PRIMARY KEY,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  window_start DATETIME(6) NOT NULL,
  blocked_until DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  user_id BIGINT UNSIGNED NULL,
  user_email VARCHAR(254) NULL,
  role VARCHAR(32) NULL,
  tenant_id BIGINT UNSIGNED NULL,
  method VARCHAR(8) NOT NULL,
  route VARCHAR(200) NOT NULL,
  object VARCHAR(500) NOT NULL,
  status SMALLINT UNSIGNED NOT NULL,
  outcome ENUM('ok', 'refused', 'error') NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  client VARCHAR(64) NOT NULL DEFAULT '',
  detail VARCHAR(500) NULL,
  KEY audit_tenant_at (tenant_id, at),
  KEY audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: the database itself refuses to change or remove audit rows.
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
