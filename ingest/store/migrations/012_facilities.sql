-- Facility lists for risky facilities (api.services.risky_facilities): lists of facilities of one kind (licensed
-- premises, shops, stops, schools or a kind named freely), each with its name, the file it came from and when it
-- was loaded; the facilities as British National Grid points (metres) with a name and an optional size; the rows a
-- load refused, with their line and reason. A list loaded again under its name replaces the one before
-- (ingest.store.write.facilities). Re-runnable: a store put back before this migration runs it again.
CREATE TABLE IF NOT EXISTS facility_lists (
    list_id     BIGINT PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    file_format VARCHAR NOT NULL,
    size_column VARCHAR,
    loaded_at   TIMESTAMP NOT NULL,
    facilities  INTEGER NOT NULL,
    quarantined INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS facilities (
    list_id  BIGINT NOT NULL,
    facility INTEGER NOT NULL,
    name     VARCHAR NOT NULL,
    east     DOUBLE NOT NULL,
    north    DOUBLE NOT NULL,
    size     DOUBLE
);

CREATE TABLE IF NOT EXISTS facility_quarantine (
    list_id BIGINT NOT NULL,
    line    INTEGER NOT NULL,
    reason  VARCHAR NOT NULL
);
