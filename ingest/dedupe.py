"""Rebuild the cross-source duplicate links (inside the ingest's transaction): the rule and the linking, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from geo.links import Records, link
from ingest.schema import LocationPrecision
from ingest.store.connection import Connection
from ingest.store.write.links import drop_candidates, link_candidates, links_held, save_links
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


def _records(t: pa.Table) -> Records:
    """The candidate records as arrays for geo.links."""
    codes = {c.value: i for i, c in enumerate(Category)}
    sources = {s: i for i, s in enumerate(sorted(set(t["source"].to_pylist())))}
    months = t["month"].to_pylist()
    return Records(
        lon=t["lon"].to_numpy(),
        lat=t["lat"].to_numpy(),
        hours=np.asarray(t["hours"].to_numpy(zero_copy_only=False), dtype=np.float64),
        month=np.array([m.year * 12 + m.month for m in months], dtype=np.int64),
        source=np.array([sources[s] for s in t["source"].to_pylist()], dtype=np.int64),
        category=np.array([codes.get(c, codes[Category.NOT_ASB.value]) for c in t["category"].to_pylist()]),
        precision_rank=np.array([PRECISION_RANK.get(p, 3) for p in t["location_precision"].to_pylist()]),
    )


def relink(con: Connection, rule: LinkRule) -> int:
    """Recompute duplicate links and de-duplicated counts; returns how many records are linked duplicates."""
    found = link(
        _records(link_candidates(con, rule.month_only)), _compatibility(), rule.distance_m, rule.hours, rule.month_only
    )
    linked = np.flatnonzero(found.primary >= 0)
    if len(linked) == 0 and not links_held(con):
        drop_candidates(con)
        return 0  # nothing linked before or now (a single-source store): leave incidents untouched
    save_links(
        con,
        pa.table(
            {
                "pos": pa.array(linked, pa.int64()),
                "primary_pos": pa.array(found.primary[linked], pa.int64()),
                "distance_m": pa.array(found.distance_m[linked]),
                "hours_apart": pa.array(found.hours_apart[linked], mask=np.isnan(found.hours_apart[linked])),
            }
        ),
    )
    return int(np.count_nonzero(found.primary[linked] != linked))
