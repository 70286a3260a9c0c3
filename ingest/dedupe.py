"""Rebuild the cross-source duplicate links in the store (inside the ingest's transaction)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from geo.links import Records, link
from ingest.schema import LocationPrecision
from ingest.store.connection import Connection, arrow
from ingest.store.writer import refresh_counts
from ingest.taxonomy import Category, compatible

PRECISION_RANK = {
    LocationPrecision.POINT.value: 0,
    LocationPrecision.POSTCODE.value: 1,
    LocationPrecision.SNAP_POINT.value: 2,
}


@dataclass(frozen=True)
class LinkRule:
    """Thresholds of the duplicate rule (settings dedupe_distance_m, dedupe_hours, dedupe_month_only)."""

    distance_m: float = 150.0
    hours: float = 48.0
    month_only: bool = False  # also link records with a month only (police.uk) to records of that month


def _compatibility() -> np.ndarray:
    codes = [c.value for c in Category]
    return np.array([[compatible(a, b) for b in codes] for a in codes], dtype=bool)


def _candidates(con: Connection, rule: LinkRule) -> pa.Table:
    """Located records in months that hold more than one source (only those can link)."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _candidates AS
           WITH shared AS (SELECT month FROM incident_counts GROUP BY month HAVING count(DISTINCT source) > 1)
           SELECT row_number() OVER (ORDER BY incident_id) - 1 AS pos, incident_id, source, category, lon, lat,
                  month, location_precision, epoch(occurred_at) / 3600.0 AS hours
           FROM incidents SEMI JOIN shared USING (month)
           WHERE lon IS NOT NULL AND (occurred_at IS NOT NULL OR ?)""",
        [rule.month_only],
    )
    return arrow(
        con,
        "SELECT pos, source, category, lon, lat, month, location_precision, hours FROM _candidates ORDER BY pos",
    )


def relink(con: Connection, rule: LinkRule) -> int:
    """Recompute duplicate links and de-duplicated counts; returns how many records are linked duplicates."""
    t = _candidates(con, rule)
    codes = {c.value: i for i, c in enumerate(Category)}
    sources = {s: i for i, s in enumerate(sorted(set(t["source"].to_pylist())))}
    months = t["month"].to_pylist()
    records = Records(
        lon=t["lon"].to_numpy(),
        lat=t["lat"].to_numpy(),
        hours=np.asarray(t["hours"].to_numpy(zero_copy_only=False), dtype=np.float64),
        month=np.array([m.year * 12 + m.month for m in months], dtype=np.int64),
        source=np.array([sources[s] for s in t["source"].to_pylist()], dtype=np.int64),
        category=np.array([codes.get(c, codes[Category.NOT_ASB.value]) for c in t["category"].to_pylist()]),
        precision_rank=np.array([PRECISION_RANK.get(p, 3) for p in t["location_precision"].to_pylist()]),
    )
    found = link(records, _compatibility(), rule.distance_m, rule.hours, rule.month_only)
    linked = np.flatnonzero(found.primary >= 0)
    if len(linked) == 0 and not con.execute("SELECT count(*) FROM incident_links").fetchall()[0][0]:
        con.execute("DROP TABLE _candidates")
        return 0  # nothing linked before or now (a single-source store): leave incidents untouched
    links = pa.table(
        {
            "pos": pa.array(linked, pa.int64()),
            "primary_pos": pa.array(found.primary[linked], pa.int64()),
            "distance_m": pa.array(found.distance_m[linked]),
            "hours_apart": pa.array(found.hours_apart[linked], mask=np.isnan(found.hours_apart[linked])),
        }
    )
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
            con.execute(f"DROP TABLE IF EXISTS {temp}")
    return int(np.count_nonzero(found.primary[linked] != linked))
