-- Counts per H3 cell at every served resolution (6 to 10; `res`, and `cell` the point's cell at it) per partition,
-- month, category, source and LAD, with the cell keys of both counts (as count_months and ward_counts hold them):
-- the hexagon layer and the top cells read this instead of aggregating incident_counts by cell. Rows are written
-- sorted by resolution, category, cell and month (here, and each later load's rows), so that one resolution and
-- category, and a viewport's cells within them (H3 numbers nearby cells alike), lie in few row groups. Filled one
-- resolution at a time (a national store's counts do not fit in memory at once). Kept in step by
-- ingest.store.write.cell_counts inside the same transaction as incident_counts. Keys: each record key taken modulo
-- the prime before the product (the same keys as summing n * record key modulo it, with no HUGEINT arithmetic).
CREATE TABLE cell_counts (
    res           UTINYINT NOT NULL,
    cell          UBIGINT NOT NULL,
    month         DATE NOT NULL,
    category      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    lad_code      VARCHAR,
    partition_key VARCHAR NOT NULL,
    n             BIGINT NOT NULL,
    n_unique      BIGINT NOT NULL,
    key_n         BIGINT NOT NULL,
    key_n_unique  BIGINT NOT NULL
);

INSERT INTO cell_counts
SELECT 6, cell_6, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
       (sum(n * (record_key % 1048573)) % 1048573)::BIGINT,
       (sum(n_unique * (record_key % 1048573)) % 1048573)::BIGINT
FROM incident_counts WHERE cell_6 IS NOT NULL GROUP BY ALL ORDER BY category, cell_6, month;

INSERT INTO cell_counts
SELECT 7, cell_7, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
       (sum(n * (record_key % 1048573)) % 1048573)::BIGINT,
       (sum(n_unique * (record_key % 1048573)) % 1048573)::BIGINT
FROM incident_counts WHERE cell_7 IS NOT NULL GROUP BY ALL ORDER BY category, cell_7, month;

INSERT INTO cell_counts
SELECT 8, cell_8, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
       (sum(n * (record_key % 1048573)) % 1048573)::BIGINT,
       (sum(n_unique * (record_key % 1048573)) % 1048573)::BIGINT
FROM incident_counts WHERE cell_8 IS NOT NULL GROUP BY ALL ORDER BY category, cell_8, month;

INSERT INTO cell_counts
SELECT 9, cell_9, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
       (sum(n * (record_key % 1048573)) % 1048573)::BIGINT,
       (sum(n_unique * (record_key % 1048573)) % 1048573)::BIGINT
FROM incident_counts WHERE cell_9 IS NOT NULL GROUP BY ALL ORDER BY category, cell_9, month;

INSERT INTO cell_counts
SELECT 10, cell_10, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
       (sum(n * (record_key % 1048573)) % 1048573)::BIGINT,
       (sum(n_unique * (record_key % 1048573)) % 1048573)::BIGINT
FROM incident_counts WHERE cell_10 IS NOT NULL GROUP BY ALL ORDER BY category, cell_10, month;
