-- Counts per H3 cell at every served resolution (6 to 10; `res`, and `cell` the point's cell at it) per partition,
-- month, category, source and LAD, with the cell keys of both counts (as count_months and ward_counts hold them):
-- the hexagon layer and the top cells read this instead of aggregating incident_counts by cell. Rows are written
-- sorted by resolution, category, cell and month (each load's rows, and each year's when a store is migrated), so
-- that one resolution and category, and a viewport's cells within them (H3 numbers nearby cells alike), lie in few
-- row groups. Filled after this by ingest.store.write.cell_counts.fill_cell_counts, a resolution and a year at a time,
-- each in its own transaction (a national store's counts do not fit in memory at once; an interrupted migration
-- starts again from the empty table, as the version is recorded last). Kept in step by
-- ingest.store.write.cell_counts inside the same transaction as incident_counts. Keys: each record key taken modulo
-- the prime before the product (the same keys as summing n * record key modulo it, with no HUGEINT arithmetic).
CREATE OR REPLACE TABLE cell_counts (
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
