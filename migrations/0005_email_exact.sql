-- E-mail addresses compare exactly. The server lowercases ASCII letters on
-- every write and lookup; the column itself must then tell apart what the
-- accent-insensitive utf8mb4_unicode_ci took as equal ('cóordinatore@…' was
-- 'coordinatore@…', so it logged in as that account and adding it as a
-- member enrolled that user), and utf8mb4_bin would still ignore trailing
-- spaces (PAD SPACE). The throttle's keys hold e-mails too. Safe to re-run.

ALTER TABLE users
  MODIFY email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE login_throttle
  MODIFY scope_key VARCHAR(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
