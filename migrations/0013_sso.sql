-- Logins through the Region's identity provider (OpenID Connect) between the
-- redirect to the provider and its return. The state travels in the URL and
-- in a cookie of the browser that started; only its SHA-256 is kept here,
-- with the nonce the ID token must carry and the PKCE verifier that redeems
-- the code. A row is spent on return and is useless after 10 minutes.
CREATE TABLE IF NOT EXISTS sso_attempts (
  state_hash BINARY(32) NOT NULL PRIMARY KEY,
  nonce CHAR(43) NOT NULL,
  code_verifier CHAR(43) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY sso_attempts_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
