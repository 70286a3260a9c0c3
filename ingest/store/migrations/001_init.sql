-- Canonical incidents: one row per incident; coarser H3 cells are derived from h3_cell (resolution 15).
CREATE TABLE incidents (
    incident_id        UHUGEINT NOT NULL,  -- md5 of the identity and ordinal, as a 128-bit integer
    source             VARCHAR NOT NULL,
    partition_key      VARCHAR NOT NULL,
    source_ref         VARCHAR,          -- the source's own reference (police.uk Crime ID); NULL for ASB rows
    line               BIGINT NOT NULL,
    month              DATE NOT NULL,
    category           VARCHAR NOT NULL,
    source_category    VARCHAR NOT NULL,
    lon                DOUBLE,
    lat                DOUBLE,
    location_precision VARCHAR NOT NULL,
    location_text      VARCHAR,
    lsoa_code          VARCHAR,
    lsoa_name          VARCHAR,
    lad_code           VARCHAR,
    reported_by        VARCHAR,
    outcome            VARCHAR,
    h3_cell            UBIGINT,  -- the incident's own point; NULL when it has none (not on the hex map)
    place_cell         UBIGINT,  -- the point used for area totals: own point, else its LSOA's centroid
    run_id             BIGINT NOT NULL
);

CREATE TABLE quarantine (
    run_id      BIGINT NOT NULL,
    file        VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    line        BIGINT NOT NULL,
    raw         VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL
);

CREATE TABLE ingest_runs (
    run_id      BIGINT PRIMARY KEY,
    source      VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    status      VARCHAR NOT NULL,   -- loaded | unchanged
    rows_read   BIGINT NOT NULL,
    loaded      BIGINT NOT NULL,
    replaced    BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL,
    quarantined BIGINT NOT NULL
);

-- Snapshot partitions (a police.uk force-month): the file that last supplied each one.
CREATE TABLE partitions (
    partition_key VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    run_id        BIGINT NOT NULL,
    row_count     BIGINT NOT NULL
);

CREATE TABLE boundary_sets (
    name        VARCHAR PRIMARY KEY,
    description VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    is_default  BOOLEAN NOT NULL,
    features    BIGINT NOT NULL,
    loaded_at   TIMESTAMP NOT NULL
);

CREATE TABLE wards (
    boundary_set VARCHAR NOT NULL,
    code         VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    lad_code     VARCHAR,
    lad_name     VARCHAR,
    geometry     VARCHAR NOT NULL,  -- GeoJSON geometry, WGS84
    PRIMARY KEY (boundary_set, code)
);

-- Ward of every place cell, per boundary set (ward_code NULL: outside every polygon).
CREATE TABLE place_wards (
    boundary_set VARCHAR NOT NULL,
    place_cell   UBIGINT NOT NULL,
    ward_code    VARCHAR
);

-- Reference: LSOA 2021 -> LAD 2024, with a representative point where the boundary is shipped.
CREATE TABLE lsoa_places (
    lsoa_code  VARCHAR PRIMARY KEY,
    lsoa_name  VARCHAR,
    lad_code   VARCHAR,
    lad_name   VARCHAR,
    lon        DOUBLE,
    lat        DOUBLE,
    place_cell UBIGINT
);
