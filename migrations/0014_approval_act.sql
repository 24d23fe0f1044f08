-- The Comitato dei Sindaci's approval act (delibera) of a submission, as its
-- own columns: number (text, up to 64 characters) and date. Submissions made
-- before this migration have neither (NULL), and the append-only triggers
-- keep them so. Safe to re-run.

ALTER TABLE plan_submissions
  ADD COLUMN IF NOT EXISTS approval_number VARCHAR(64) NULL AFTER note,
  ADD COLUMN IF NOT EXISTS approval_date DATE NULL AFTER approval_number;
