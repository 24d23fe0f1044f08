-- Browser sessions of the web interface. The cookie holds 256 random bits;
-- the database only their SHA-256, so a copy of this table logs nobody in.
-- Each session is a login of its own (logins.id): ending one revokes it, and
-- the identity is read through it exactly as for an access token.

CREATE TABLE IF NOT EXISTS sessions (
  id_hash BINARY(32) NOT NULL PRIMARY KEY,
  login_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token CHAR(43) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_seen_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY sessions_user (user_id),
  KEY sessions_login (login_id),
  CONSTRAINT sessions_login FOREIGN KEY (login_id) REFERENCES logins (id) ON DELETE CASCADE,
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
