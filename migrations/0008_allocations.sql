-- Fund allocations (riparto): what the Region assigns, per cycle, to each ATS
-- for a year and a funding source of the cycle's catalogue. Keyed by
-- tenant_id first like every tenant table; the cycle index serves the
-- Region-wide reads (the whole riparto of a cycle, the comparison). An upload
-- replaces a cycle's rows in one transaction. Safe to re-run.

CREATE TABLE IF NOT EXISTS allocations (
  tenant_id BIGINT UNSIGNED NOT NULL,
  cycle_id BIGINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  source VARCHAR(32) NOT NULL,
  amount_eur DECIMAL(15,2) NOT NULL,
  PRIMARY KEY (tenant_id, cycle_id, year, source),
  KEY allocations_cycle (cycle_id, tenant_id),
  CONSTRAINT allocations_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT allocations_cycle FOREIGN KEY (cycle_id) REFERENCES cycles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
