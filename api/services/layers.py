"""Map layers: ward counts with the previous period, H3 hexagon counts, and the top cells by count."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from api.services.cell_places import cell_places
from api.services.comparison import months_held
from api.services.errors import ParameterError
from api.services.figures import check_resolution
from api.services.filters import Filters
from api.services.places import resolve_ward
from api.services.reference import WardCache
from api.services.study_area import StudyArea
from geo.features import feature, feature_collection, hex_features
from geo.hexbin import cell_polygons, cells_to_strings, polygons_touching, search_box
from geo.trends import change
from ingest.schema import MAPPED_PRECISIONS, LocationPrecision
from ingest.store import read
from ingest.store.connection import Connection

WARD_PRECISIONS = tuple(p.value for p in LocationPrecision)
HEX_PRECISIONS = tuple(p.value for p in MAPPED_PRECISIONS)
Box = tuple[float, float, float, float]


def period_of(filters: Filters) -> dict[str, str]:
    """The filters' months as reported; a default period that leaves out later months of some source says where it
    ends and why (those sources are named only with exact figures, to callers told the sources)."""
    f, found = filters.incident, filters.default_end
    period = {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"}
    if found is not None and found.ahead and found.month == f.end:
        period["note"] = f"default period: {found.note(name_others=filters.figures.exact)}"
    return period


def located(row: dict[str, Any], precisions: tuple[str, ...]) -> dict[str, int]:
    """Counts by location precision from a query row's located_<i> columns (non-zero only)."""
    return {p: int(row[f"located_{k}"]) for k, p in enumerate(precisions) if row.get(f"located_{k}")}


def wards_layer(con: Connection, filters: Filters, cache: WardCache, precision: bool = False) -> dict[str, Any]:
    """Ward FeatureCollection with count, previous_count and change for the period (and counts by precision)."""
    f, figures = filters.incident, filters.figures
    period, echo = period_of(filters), filters.echo()
    prev_start, prev_end = filters.previous
    precision = precision and figures.exact  # counts by precision would publish small counts
    precisions = WARD_PRECISIONS if precision else ()
    keys = not figures.exact
    held = months_held(con, f.sources, prev_start, prev_end)  # a previous period not held has no count to compare
    wards = cache.get(con, filters.boundary_set)
    rows = read.ward_counts(con, f, filters.boundary_set, (prev_start, prev_end), precisions, keys).to_pylist()
    counts = {r["code"]: r for r in rows}
    features = []
    for ward in wards:
        row = counts.get(ward.code, {})
        count = figures.count(int(row.get("count", 0)), int(row.get("count_key", 0)))
        previous = figures.count(int(row.get("previous_count", 0)), int(row.get("previous_key", 0))) if held else None
        where = located(row, precisions) if precision else None
        delta, pct = change(count, previous) if count is not None and previous is not None else (None, None)
        props: dict[str, Any] = {
            "code": ward.code,
            "name": ward.name,
            "lad": ward.lad_code,
            "lad_name": ward.lad_name,
            "count": count,
            "previous_count": previous,
            "change": delta,
            "change_pct": pct,
        }
        if where is not None:
            props["located"] = where
        features.append(feature(ward.geometry, props, fid=ward.code))
    return feature_collection(
        features,
        period=period,
        previous_period={"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}", "held": held},
        filters=echo,
    )


def hex_layer(
    con: Connection, filters: Filters, res: int, bbox: Box | None, precision: bool = False, encoded: bool = False
) -> dict[str, Any]:
    """H3 hexagon FeatureCollection with counts of incidents that have a point (and counts by precision); cells
    whose count is not published are left out. bbox selects whole hexagons (those it touches), never cuts them.
    Encoded: geometries as GeoJSON text already written, for an answer written straight out as GeoJSON."""
    figures = filters.figures
    check_resolution(figures, res, "res")
    precision = precision and figures.exact
    precisions = HEX_PRECISIONS if precision else ()
    search = search_box(bbox, res) if bbox else None
    t = read.hex_counts(con, filters.incident, res, search, precisions, keys=not figures.exact)
    cells = t["cell"].to_numpy().astype(np.uint64) if t.num_rows else np.array([], dtype=np.uint64)
    polygons = cell_polygons(cells) if bbox else None  # else built, or kept already, by hex_features
    if bbox and t.num_rows and polygons is not None:
        touching = polygons_touching(polygons, bbox)
        t, cells, polygons = t.filter(pa.array(touching)), cells[touching], polygons[touching]
    raw = t["count"].to_pylist()
    keys = t["key"].to_pylist() if "key" in t.column_names else [0] * len(raw)
    published = [figures.count(int(n), int(k)) for n, k in zip(raw, keys, strict=True)]
    kept = [i for i, value in enumerate(published) if value is not None]
    rows = t.to_pylist() if precision else []
    props: list[dict[str, Any]] = []
    for i in kept:
        item: dict[str, Any] = {"count": published[i]}
        if precision:
            item["located"] = located(rows[i], precisions)
        props.append(item)
    features = hex_features(cells[kept], props, None if polygons is None else polygons[kept], encoded)
    return feature_collection(features, resolution=res, period=period_of(filters), filters=filters.echo())


def hotspot_rows(
    con: Connection, filters: Filters, res: int, top: int, cache: WardCache, ward: str | None = None
) -> list[dict[str, Any]]:
    """Top cells by count (with a ward code, by their incidents in that ward), each with the ward most of its
    incidents fall in and its commonest streets and places."""
    t = read.top_cells(con, filters.incident, res, top, filters.boundary_set, ward)
    cells = t["cell"].to_numpy().astype(np.uint64) if t.num_rows else np.array([], dtype=np.uint64)
    ids = cells_to_strings(cells)
    places = cell_places(con, filters, res, ids)
    return [
        {
            "rank": i + 1,
            "h3": h,
            "count": int(r["count"]),
            "ward": r["ward_code"],
            "ward_name": cache.name_of(con, filters.boundary_set, r["ward_code"]) if r["ward_code"] else None,
            "places": named,
        }
        for i, (h, r, named) in enumerate(zip(ids, t.to_pylist(), places, strict=True))
    ]


def top_cells(
    con: Connection, filters: Filters, area: StudyArea, ward: str | None, res: int, top: int, cache: WardCache
) -> dict[str, Any]:
    """The top cells of a study area (every area with incidents: no limit) or of one of its wards (code or name in
    the filters' boundary set), each with its ward and its commonest streets and places."""
    if area.kind != "all":
        filters = filters.only(lads=area.lads)
    found = resolve_ward(con, filters.boundary_set, ward) if ward else None
    if found is not None:
        if found.lad_code is None or (area.kind != "all" and found.lad_code not in area.lads):
            raise ParameterError("ward", f"ward {found.name} ({found.code}) is not in {area.name}")
        filters = filters.only(lads=(found.lad_code,))
    return {
        "resolution": res,
        "area": area.echo(),
        "ward": None if found is None else {"code": found.code, "name": found.name, "lad": found.lad_code},
        "filters": filters.echo(),
        "hotspots": hotspot_rows(con, filters, res, top, cache, found.code if found else None),
    }
