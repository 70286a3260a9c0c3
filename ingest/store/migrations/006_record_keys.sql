-- A fixed pseudo-random key per aggregated row, for disclosure control: the key of a published count is the sum of
-- its records' keys, so the same records always get the same perturbation whatever query selects them.
ALTER TABLE incident_counts ADD COLUMN record_key BIGINT;
UPDATE incident_counts SET record_key = (hash(partition_key, month, category, source, lad_code, h3_cell, place_cell,
                                              location_precision) % 2147483647)::BIGINT;
