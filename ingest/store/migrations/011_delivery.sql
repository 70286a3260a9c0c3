-- Patrol delivery: the dosage a load of patrol movement counted (geo.dosage), per H3 cell fence (`res`, `cell`),
-- local day and agency: minutes present, drive-by minutes, visits and visits of at least the compliant length.
-- Aggregates only: a load never stores a ping, a track, a device, a team or an officer (docs/delivery.md). A load
-- replaces, for its agency, the days its pings cover (ingest.store.write.delivery).
CREATE TABLE IF NOT EXISTS delivery_cells (
    res              UTINYINT NOT NULL,
    cell             UBIGINT NOT NULL,
    day              DATE NOT NULL,
    agency           VARCHAR NOT NULL,
    minutes          DOUBLE NOT NULL,
    driveby_minutes  DOUBLE NOT NULL,
    visits           INTEGER NOT NULL,
    compliant_visits INTEGER NOT NULL,
    load_id          BIGINT NOT NULL
);

-- One row per delivery load: its agency, when, how many files and pings (read, kept, refused), the days it covered
-- and the rules its dosage was counted under (JSON). No file names (they may name a person).
CREATE TABLE IF NOT EXISTS delivery_loads (
    load_id     BIGINT PRIMARY KEY,
    agency      VARCHAR NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    files       INTEGER NOT NULL,
    pings_read  BIGINT NOT NULL,
    pings_kept  BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    first_day   DATE,
    last_day    DATE,
    rules       VARCHAR NOT NULL
);
