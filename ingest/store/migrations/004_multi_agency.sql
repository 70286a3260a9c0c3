-- Multi-agency feeds: event time where the source has it, the feed that supplied each row, the ward a source
-- recorded for rows located by ward only, and cross-source duplicate links.
ALTER TABLE incidents ADD COLUMN occurred_at TIMESTAMP;  -- NULL where the source gives the month only
ALTER TABLE incidents ADD COLUMN feed VARCHAR DEFAULT 'police.uk';
ALTER TABLE incidents ADD COLUMN ward_code VARCHAR;
ALTER TABLE incidents ADD COLUMN duplicate_of UHUGEINT;  -- the linked group's primary record; NULL when primary or unlinked

-- Counts gain the location precision and the de-duplicated count (records that are not a linked duplicate).
DROP TABLE incident_counts;
CREATE TABLE incident_counts (
    partition_key      VARCHAR NOT NULL,
    month              DATE NOT NULL,
    category           VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    lad_code           VARCHAR,
    h3_cell            UBIGINT,
    place_cell         UBIGINT,
    location_precision VARCHAR NOT NULL,
    lon                DOUBLE,
    lat                DOUBLE,
    n                  BIGINT NOT NULL,
    n_unique           BIGINT NOT NULL
);
INSERT INTO incident_counts
SELECT partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision,
       any_value(lon), any_value(lat), count(*), count(*) FILTER (WHERE duplicate_of IS NULL)
FROM incidents GROUP BY partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision;

-- Links between records of different sources that likely describe the same incident (rebuilt after each ingest).
CREATE TABLE incident_links (
    incident_id UHUGEINT NOT NULL,
    group_id    UHUGEINT NOT NULL,  -- the group's primary record
    distance_m  DOUBLE,             -- to the primary
    hours_apart DOUBLE              -- to the primary; NULL when either has a month only
);

-- Where rows located by ward only are counted: a point inside the ward (its cell is the rows' place_cell).
CREATE TABLE ward_points (
    ward_code  VARCHAR PRIMARY KEY,
    place_cell UBIGINT NOT NULL,
    lon        DOUBLE NOT NULL,
    lat        DOUBLE NOT NULL
);

ALTER TABLE ingest_runs ADD COLUMN feed VARCHAR DEFAULT 'police.uk';
