-- The comparisons' figures of a section row without its text: coverage and
-- finance aggregate status, indicators and spending_eur of every section of
-- a page of tenants, and through the primary key they read the clustered
-- rows, whose text (stored in the row up to some kilobytes) makes them many
-- times larger than the figures. This index holds the figures alone; the
-- queries name it (FORCE INDEX, compare_store.c), as the optimizer prefers
-- the primary key. A coverage query of 16 tenants at 600 ATS: 8–12 ms on
-- the clustered rows, 1.2–1.4 ms on this index. Safe to re-run.

CREATE INDEX IF NOT EXISTS plan_sections_figures
  ON plan_sections (tenant_id, cycle_id, revision, section_key, status, indicators, spending_eur);
