-- Quarantined rows keep the month they belong to where it could be read (per-month data-quality reports).
ALTER TABLE quarantine ADD COLUMN month DATE;
-- police.uk rows are kept as CSV text whose second field is the month (YYYY-MM)
UPDATE quarantine q SET month = try_cast(regexp_extract(q.raw, '^[^,]*,(\d{4}-\d{2}),', 1) || '-01' AS DATE)
FROM ingest_runs r WHERE r.run_id = q.run_id AND r.source = 'police';
