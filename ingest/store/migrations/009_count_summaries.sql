-- Summaries of incident_counts that requests read instead of scanning it (it grows with every month loaded):
-- count_months: what each partition holds per month, category, source and LAD, with the cell keys of the counts
-- (extents, held months, distinct values, LADs with incidents, monthly series of an LAD or everywhere);
-- count_points: every distinct point (lon, lat, LAD) incident_counts holds, with its cells and how many rows hold it
-- (the cells a map viewport touches, over any period).
-- Kept in step by ingest.store.write.summaries inside the same transaction as incident_counts.
CREATE TABLE count_months (
    partition_key VARCHAR NOT NULL,
    month         DATE NOT NULL,
    category      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    lad_code      VARCHAR,
    n             BIGINT NOT NULL,
    n_unique      BIGINT NOT NULL,
    key_n         BIGINT NOT NULL,
    key_n_unique  BIGINT NOT NULL
);

INSERT INTO count_months
SELECT partition_key, month, category, source, lad_code, sum(n), sum(n_unique),
       (sum(n::HUGEINT * record_key) % 1048573)::BIGINT, (sum(n_unique::HUGEINT * record_key) % 1048573)::BIGINT
FROM incident_counts GROUP BY ALL ORDER BY lad_code, month;

CREATE TABLE count_points (
    lon     DOUBLE NOT NULL,
    lat     DOUBLE NOT NULL,
    lad_code VARCHAR,
    cell_6  UBIGINT,
    cell_7  UBIGINT,
    cell_8  UBIGINT,
    cell_9  UBIGINT,
    cell_10 UBIGINT,
    refs    BIGINT NOT NULL
);

INSERT INTO count_points
SELECT lon, lat, lad_code, any_value(cell_6), any_value(cell_7), any_value(cell_8), any_value(cell_9), any_value(cell_10),
       count(*)
FROM incident_counts WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY lon, lat, lad_code;

-- Counts per ward of every boundary set (partition, month, category, source, LAD, location precision), with the
-- cell keys of both counts (record keys summed modulo the prime of ingest.store.read.filters.KEY_MODULUS, so sums
-- of these are the same keys modulo it): the ward layer reads this instead of joining incident_counts to wards.
CREATE TABLE ward_counts (
    boundary_set       VARCHAR NOT NULL,
    ward_code          VARCHAR NOT NULL,
    partition_key      VARCHAR NOT NULL,
    month              DATE NOT NULL,
    category           VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    lad_code           VARCHAR,
    location_precision VARCHAR,
    n                  BIGINT NOT NULL,
    n_unique           BIGINT NOT NULL,
    key_n              BIGINT NOT NULL,
    key_n_unique       BIGINT NOT NULL
);

INSERT INTO ward_counts
SELECT pw.boundary_set, pw.ward_code, i.partition_key, i.month, i.category, i.source, i.lad_code,
       i.location_precision, sum(i.n), sum(i.n_unique), (sum(i.n::HUGEINT * i.record_key) % 1048573)::BIGINT,
       (sum(i.n_unique::HUGEINT * i.record_key) % 1048573)::BIGINT
FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell
WHERE pw.ward_code IS NOT NULL GROUP BY ALL ORDER BY i.month, pw.boundary_set, pw.ward_code;

-- Incidents counted per place text (trimmed location text, none empty) and cell (partition, month, category,
-- source, LAD): where a patrol finds a cell on the ground, read without scanning the incidents of the period.
CREATE TABLE place_texts (
    partition_key VARCHAR NOT NULL,
    month         DATE NOT NULL,
    category      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    lad_code      VARCHAR,
    cell_6        UBIGINT,
    cell_7        UBIGINT,
    cell_8        UBIGINT,
    cell_9        UBIGINT,
    cell_10       UBIGINT,
    place         VARCHAR NOT NULL,
    n             BIGINT NOT NULL,
    n_unique      BIGINT NOT NULL
);

INSERT INTO place_texts
SELECT partition_key, month, category, source, lad_code, cell_6, cell_7, cell_8, cell_9, cell_10,
       trim(location_text), count(*), count(*) FILTER (WHERE duplicate_of IS NULL)
FROM incidents WHERE location_text IS NOT NULL AND trim(location_text) <> '' GROUP BY ALL;
