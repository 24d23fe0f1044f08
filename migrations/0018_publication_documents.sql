-- The publication document of each published revision: the submission
-- snapshot without the keys between the ATS and the Region (late, note,
-- submitted_by), canonical JSON, and its SHA-256 — what the public JSON, the
-- portal, the open-data files and the printable document serve. Written by
-- the publication in its transaction; the rows published before this column
-- keep NULL and are derived from their snapshot the same way when read (the
-- table is append-only, and the canonical form is the application's).
ALTER TABLE plan_publications
  ADD COLUMN IF NOT EXISTS document LONGTEXT NULL,
  ADD COLUMN IF NOT EXISTS document_sha256 CHAR(64) NULL;
