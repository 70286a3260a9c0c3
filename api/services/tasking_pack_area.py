"""The area sections of the tasking pack: the patrol plan with its cell places, new and intensifying hotspots named by
ward and place, and the gap flags of the feeds holding the CSP's records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import shapely

from api.services.caches import Caches
from api.services.cell_places import describe_cells
from api.services.filters import Filters
from api.services.hotspots import emerging_layer
from api.services.patrol import patrol_plan
from api.services.reference import Ward
from api.services.study_area import StudyArea
from geo.gaps import GapRule
from geo.hexbin import cell_polygons
from ingest.geocode import PostcodeIndex
from ingest.store import read
from ingest.store.connection import Connection

EMERGING = ("intensifying", "new", "consecutive")  # consecutive: newly hot for a run of months up to now
ALPHA = 0.1
MAX_HOTSPOTS = 30


@dataclass(frozen=True)
class PackOptions:
    """How the pack is drawn: patrol cells and resolution, months of history, the meeting cycle, review notes."""

    cells: int = 20
    res: int = 9
    emerging_res: int = 9
    months: int = 12
    cycle_days: int = 14
    notes: int = 3
    core: tuple[str, ...] = ()  # sources every one of which holds the pack's last month (AIM_CORE_SOURCES)
    meeting: date | None = None  # the meeting's date (set by the pack): delivery is counted since the last meeting
    visits_per_day: float = 1.0  # the patrol target: compliant visits per planned cell per day
    visit_minutes: float = 10.0  # a compliant visit's length (AIM_DELIVERY_COMPLIANT_S, in minutes)


def patrol_section(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    cells: int,
    caches: Caches,
    postcodes: PostcodeIndex | None,
) -> dict[str, Any]:
    """The CSP's patrol plan (as /api/v1/patrol-plan gives it for the same months and cells) and the CSP's ward
    shapes for drawing it."""
    plan = patrol_plan(con, filters, area, res, None, cells, caches.wards, caches.lattices, postcodes)
    wards: list[tuple[Ward, shapely.Geometry]] = [
        (w, caches.wards.shape(filters.boundary_set, w.code))
        for w in caches.wards.get(con, filters.boundary_set)
        if w.lad_code in area.lads
    ]
    return {"plan": plan, "_wards": wards}


def _centres(h3: list[str]) -> tuple[np.ndarray, np.ndarray]:
    centres = shapely.centroid(cell_polygons(np.asarray([int(c, 16) for c in h3], dtype=np.uint64)))
    return shapely.get_x(centres), shapely.get_y(centres)


def emerging_hotspots(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    caches: Caches,
    postcodes: PostcodeIndex | None,
) -> dict[str, Any]:
    """The cells that are new or intensifying hot spots over the months (emerging hot spot analysis), each named by
    its ward and its commonest streets and places."""
    layer = emerging_layer(con, filters, area, res, 1, ALPHA, caches.wards, caches.lattices)
    found = [
        f["properties"]
        for f in layer["features"]
        if f["properties"]["class"] in EMERGING and f["properties"]["side"] == "hot"
    ]
    found.sort(key=lambda p: (EMERGING.index(p["class"]), -sum(p["counts"])))
    shown = found[:MAX_HOTSPOTS]
    if shown and postcodes is not None:
        lon, lat = _centres([p["h3"] for p in shown])
        for p, where in zip(
            shown, describe_cells(con, filters, res, [p["h3"] for p in shown], lon, lat, postcodes), strict=True
        ):
            p.update(where)
    cells = [
        {
            "h3": p["h3"],
            "class": p["class"],
            "ward": p["ward"],
            "ward_name": p["ward_name"],
            "places": [x["place"] for x in p.get("places") or []],
            "grid_ref": p.get("grid_ref"),
            "recent_counts": dict(zip(layer["slices"][-3:], p["counts"][-3:], strict=True)),
            "period_count": sum(p["counts"]),
            "slices_hot": p["slices_hot"],
            "trend_z": p["trend_z"],
            "trend": p["trend"],
        }
        for p in shown
    ]
    return {
        "resolution": res,
        "alpha": ALPHA,
        "slices": [layer["slices"][0], layer["slices"][-1]] if layer["slices"] else [],
        "patterns": {k: v for k, v in layer["patterns"].items() if k in {f"{c}-hot" for c in EMERGING}},
        "shown": len(cells),
        "found": len(found),
        "warnings": layer["warnings"],
        "cells": cells,
    }


def csp_sources(con: Connection, filters: Filters, area: StudyArea) -> tuple[str, ...]:
    """The sources holding records in the CSP's districts over the months."""
    held = read.distinct_values(con, "source")
    out = []
    for source in held:
        for lad in area.lads:
            f = replace(filters.incident, sources=(source,), lad=lad, categories=())
            if read.monthly_counts(con, f).num_rows:
                out.append(source)
                break
    return tuple(out)


def feed_gaps(con: Connection, filters: Filters, area: StudyArea, caches: Caches, rule: GapRule) -> dict[str, Any]:
    """The feeds of the sources holding the CSP's records, with the months flagged as gaps within the pack's
    months (the source monitor's rule)."""
    sources = csp_sources(con, filters, area)
    report = caches.reports.get(con, rule, sources) if sources else {"feeds": [], "gap_rule": None}
    first, last = f"{filters.incident.start:%Y-%m}", f"{filters.incident.end:%Y-%m}"
    feeds = []
    for f in report["feeds"]:
        gaps = [g for g in f["gaps"] if first <= g["month"] <= last]
        feeds.append(
            {
                "source": f["source"],
                "feed": f["feed"],
                "latest_month": f["latest_month"],
                "last_loaded": f["last_loaded"],
                "status": "gaps" if gaps else "lagging" if f["status"] == "lagging" else "ok",
                "gaps": gaps,
            }
        )
    return {"sources": list(sources), "gap_rule": report["gap_rule"], "feeds": feeds}
