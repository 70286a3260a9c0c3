"""Risky facilities over the facility lists kept in the store (ingest.facilities): for each list, its facilities in
the study area, the area's incidents in the period attributed to the nearest within a distance, counts and rates,
the J-curve and the facilities above its knee (api.services.risky_facilities, geo.facilities); for the map and OGC
(each facility as the small H3 cell around its point), the problem profile and the tasking pack."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from api.services.concentration import SNAPPED
from api.services.filters import Filters
from api.services.risky_facilities import METHOD, WITHIN, attribute_places
from api.services.study_area import StudyArea
from geo.facilities import RiskyFacilities
from geo.features import feature_collection, hex_features
from geo.grid import from_national_grid
from geo.hexbin import points_to_cells
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.facilities import cell_lads, facility_lists, facility_points

DRAWN_RES = 11  # each facility is drawn as the H3 cell (about 25 m across) around its point
NO_LIST = "no facility list held"
KEPT = (
    "The facility lists are those kept in the store (`aim facilities load`, or uploaded by an analyst); each list's "
    "J-curve is over its facilities inside the study area's wards. "
)


def _in_area(con: Connection, boundary_set: str, lads: tuple[str, ...], lon: np.ndarray, lat: np.ndarray) -> Any:
    """Whether each point stands in a ward of the LADs (every point, when the boundary set holds none of them; none,
    without LADs)."""
    if not lads:
        return np.zeros(len(lon), dtype=bool)
    wards = [w for w in read.ward_geometries(con, boundary_set).to_pylist() if w["lad_code"] in set(lads)]
    if not wards:
        return np.ones(len(lon), dtype=bool)
    area = shapely.union_all([shapely.from_geojson(w["geometry"]) for w in wards])
    return shapely.contains_xy(area, lon, lat) if len(lon) else np.zeros(0, dtype=bool)


def _facility(found: RiskyFacilities, k: int, names: list[str], size: np.ndarray, lon: Any, lat: Any) -> dict[str, Any]:
    rate = None if found.rates is None or np.isnan(found.rates[k]) else round(float(found.rates[k]), 4)
    return {
        "name": names[k],
        "count": int(found.counts[k]),
        "size": None if np.isnan(size[k]) else float(size[k]),
        "rate": rate,
        "lon": round(float(lon[k]), 7),
        "lat": round(float(lat[k]), 7),
    }


def list_figures(
    con: Connection,
    f: read.IncidentFilter,
    boundary_set: str,
    lads: tuple[str, ...],
    kept: dict[str, Any],
    within: float,
) -> dict[str, Any]:
    """One kept list over the LADs: its facilities there, busiest first, with counts, rates, ranks and whether each
    is above the J-curve's knee; the knee, the share at the risky facilities and how many incidents were attributed."""
    table = facility_points(con, int(kept["list_id"]))
    east, north = table["east"].to_numpy(), table["north"].to_numpy()
    lon, lat = from_national_grid(east, north)
    inside = _in_area(con, boundary_set, lads, lon, lat)
    names = [n for n, keep in zip(table["name"].to_pylist(), inside, strict=True) if keep]
    size = np.array([np.nan if s is None else s for s in table["size"].to_pylist()], dtype=float)[inside]
    sized = kept["size_column"] is not None
    places = read.place_counts(con, f, lads)
    found = attribute_places(places, np.column_stack([east[inside], north[inside]]), within, size if sized else None)
    lon, lat = lon[inside], lat[inside]
    risky = set(found.risky.tolist())
    facilities = [
        {"rank": r + 1, **_facility(found, k, names, size, lon, lat), "risky": k in risky}
        for r, k in enumerate(found.order.tolist())
    ]
    k_rank = found.knee_rank
    knee = None if k_rank is None else {"rank": k_rank + 1, "count": int(found.counts[found.order[k_rank]])}
    return {
        "list_id": int(kept["list_id"]),
        "kind": kept["kind"],
        "name": kept["name"],
        "source_file": kept["source_file"],
        "loaded_at": kept["loaded_at"].isoformat(timespec="seconds"),
        "size_column": kept["size_column"],
        "facilities": len(facilities),
        "attributed": found.attributed,
        "incidents": found.incidents,
        "knee": knee,
        "risky_share": None if found.risky_share is None else round(found.risky_share, 4),
        "risky": [p for p in facilities if p["risky"]],
        "ranked": facilities,
    }


def facility_risk(
    con: Connection,
    f: read.IncidentFilter,
    boundary_set: str,
    lads: tuple[str, ...],
    within: float = WITHIN,
    list_id: int | None = None,
) -> dict[str, Any]:
    """Every kept list (or the one asked) over the LADs' incidents of the filter; `held` False (and no lists): no
    facility list is kept."""
    kept = [k for k in facility_lists(con) if list_id is None or k["list_id"] == list_id]
    lists = [list_figures(con, f, boundary_set, lads, k, within) for k in kept]
    sources = f.sources
    snapped = not sources or "police" in sources
    return {
        "held": bool(kept),
        "within_m": within,
        "lists": lists,
        "warnings": [] if kept else [NO_LIST],
        "method": KEPT + METHOD + SNAPPED,
        "note": SNAPPED if snapped else "",
    }


def summary(found: dict[str, Any]) -> dict[str, Any]:
    """The figures with each list's risky facilities only (not every facility ranked): the pack's section."""
    return {**found, "lists": [{k: v for k, v in figures.items() if k != "ranked"} for figures in found["lists"]]}


def facility_risk_layer(
    con: Connection, filters: Filters, area: StudyArea, within: float = WITHIN, list_id: int | None = None
) -> dict[str, Any]:
    """The kept lists' facilities in the study area as small cells around their points (two in one cell: the busier
    is drawn), busiest first, with counts, rates and whether each is above its list's knee; the lists' figures."""
    found = facility_risk(con, filters.incident, filters.boundary_set, area.lads, within, list_id)
    features: list[dict[str, Any]] = []
    seen: set[int] = set()
    for figures in found["lists"]:
        places = figures["ranked"]
        cells = points_to_cells(np.array([p["lon"] for p in places]), np.array([p["lat"] for p in places]), DRAWN_RES)
        for cell, p in zip(cells.tolist(), places, strict=True):
            if cell in seen:
                continue
            seen.add(cell)
            keep = ("rank", "name", "count", "size", "rate", "risky")
            props = {**{k: p[k] for k in keep}, "list": figures["name"], "kind": figures["kind"]}
            props["knee_count"] = figures["knee"]["count"] if figures["knee"] else None
            features += hex_features(np.array([cell], dtype=np.uint64), [props])
    return feature_collection(
        features,
        area=area.echo(),
        resolution=DRAWN_RES,
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        **summary(found),
    )


def profile_facilities(
    con: Connection, f: read.IncidentFilter, boundary_set: str, res: int, ids: list[int], within: float = WITHIN
) -> dict[str, Any]:
    """For a problem's cells: each kept list's J-curve over the LADs the cells' incidents fall in, and its facilities
    above the knee standing in the cells, named (`held` False: no facility list is kept)."""
    lads = cell_lads(con, res, ids) if ids else ()
    found = facility_risk(con, f, boundary_set, lads, within)
    wanted = {int(c) for c in ids}
    lists = []
    for figures in found["lists"]:
        risky = figures["risky"]
        lon, lat = np.array([p["lon"] for p in risky]), np.array([p["lat"] for p in risky])
        cells = points_to_cells(lon, lat, res).tolist() if risky else []
        here = [p for p, c in zip(risky, cells, strict=True) if int(c) in wanted]
        summary = {k: v for k, v in figures.items() if k not in ("ranked", "risky")}
        lists.append({**summary, "risky_in_area": here, "risky_in_lads": len(risky)})
    return {**found, "lists": lists, "lads": list(lads)}
