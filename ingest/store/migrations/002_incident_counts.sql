-- Incidents counted per (partition, month, category, source, LAD, point): what every aggregate layer reads.
-- police.uk snaps locations to shared points, so this holds far fewer rows than incidents.
-- Kept in step with incidents by the writer, inside the same transaction as each partition's rows.
CREATE TABLE incident_counts (
    partition_key VARCHAR NOT NULL,
    month         DATE NOT NULL,
    category      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    lad_code      VARCHAR,
    h3_cell       UBIGINT,
    place_cell    UBIGINT,
    lon           DOUBLE,
    lat           DOUBLE,
    n             BIGINT NOT NULL
);

INSERT INTO incident_counts
SELECT partition_key, month, category, source, lad_code, h3_cell, place_cell, any_value(lon), any_value(lat), count(*)
FROM incidents GROUP BY ALL;
