"""Cross-source duplicate links in the store: the records that can link, and the links saved with their counts."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow, count
from ingest.store.write.counts import refresh_counts


def link_candidates(con: Connection, month_only: bool) -> pa.Table:
    """Located records in months that hold more than one source (only those can link), numbered by `pos`.

    Columns pos, source, category, lon, lat, month, location_precision, hours (epoch hours, NULL without a time);
    records with a month only are included when month_only. Kept as `_candidates` until save_links or drop.
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _candidates AS
           WITH shared AS (SELECT month FROM incident_counts GROUP BY month HAVING count(DISTINCT source) > 1)
           SELECT row_number() OVER (ORDER BY incident_id) - 1 AS pos, incident_id, source, category, lon, lat,
                  month, location_precision, epoch(occurred_at) / 3600.0 AS hours
           FROM incidents SEMI JOIN shared USING (month)
           WHERE lon IS NOT NULL AND (occurred_at IS NOT NULL OR ?)""",
        [month_only],
    )
    return arrow(
        con,
        "SELECT pos, source, category, lon, lat, month, location_precision, hours FROM _candidates ORDER BY pos",
    )


def links_held(con: Connection) -> int:
    """How many link rows the store holds."""
    return count(con, "SELECT count(*) FROM incident_links")


def drop_candidates(con: Connection) -> None:
    """Forget the candidates of link_candidates."""
    con.execute("DROP TABLE IF EXISTS _candidates")


def save_links(con: Connection, links: pa.Table) -> None:
    """Replace every link with these (columns pos, primary_pos, distance_m, hours_apart over the candidates).

    Records' duplicate_of is set to their group's primary, and the counts of every partition touched are rebuilt.
    """
    con.register("_link_pos", links)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _links AS
           SELECT c.incident_id, p.incident_id AS group_id, l.distance_m, l.hours_apart
           FROM _link_pos l JOIN _candidates c ON c.pos = l.pos JOIN _candidates p ON p.pos = l.primary_pos"""
    )
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _touched AS
               SELECT DISTINCT partition_key FROM incidents i
               WHERE i.duplicate_of IS NOT NULL
                  OR i.incident_id IN (SELECT incident_id FROM _links WHERE incident_id <> group_id)"""
        )
        con.execute("UPDATE incidents SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
        con.execute(
            """UPDATE incidents SET duplicate_of = l.group_id FROM _links l
               WHERE incidents.incident_id = l.incident_id AND l.incident_id <> l.group_id"""
        )
        con.execute("DELETE FROM incident_links")
        con.execute("INSERT INTO incident_links SELECT incident_id, group_id, distance_m, hours_apart FROM _links")
        refresh_counts(con, "SELECT partition_key FROM _touched")
    finally:
        con.unregister("_link_pos")
        for temp in ("_touched", "_links", "_candidates"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")  # noqa: S608 (fixed names)
