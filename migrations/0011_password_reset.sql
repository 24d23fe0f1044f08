-- A password given by the region_admin (a reset) is a one-time password: the
-- account must choose its own at the next login. While the flag is set the
-- API answers 403 password_change_required on everything but reading the
-- account, changing the password and logging out; the pages send the user to
-- the change-password page. Changing the password clears it.

ALTER TABLE users
  ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
