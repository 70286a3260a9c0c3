"""Risky facilities of a study area: a list of facilities of one kind (licensed premises, shops, stops, schools) from
a file, the area's incidents in the period attributed to the nearest facility within a distance, counts and rates
per facility, the J-curve and the facilities above its knee (geo.facilities)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from api.services.concentration import SNAPPED
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.study_area import StudyArea
from geo.errors import GeoError
from geo.facilities import RiskyFacilities, j_curve, risky_facilities
from geo.facility_files import read_facilities
from geo.features import feature, feature_collection
from geo.grid import from_national_grid, to_national_grid
from ingest.store import read
from ingest.store.connection import Connection

WITHIN = 50.0  # metres: an incident is a facility's when the facility is the nearest and no farther than this
CURVE_POINTS = 21
METHOD = (
    "Places are the area's mapped points (police.uk snap points; the points of council feeds) with the period's "
    "incidents of the categories and sources asked (linked records of one incident counted once). Each place's "
    "incidents go to the nearest facility of the list no farther than the distance asked (straight line on the "
    "British National Grid; default 50 m); incidents with no facility that near belong to none. Per facility: its "
    "count and, with a size column, its rate (incidents per unit of size). The J-curve ranks the facilities busiest "
    "first. Its knee (the Kneedle rule for a falling curve): the counts ranked and scaled to the unit square (rank / "
    "(facilities - 1), count from the least to the most), the rank farthest below the straight line from the busiest "
    "to the least busy; the risky facilities are those with more incidents than the facility at the knee. "
)


def _curve(counts: np.ndarray) -> list[dict[str, float]]:
    """The J-curve at 0%, 5%, ... 100% of facilities: the share of attributed incidents they hold."""
    places, held = j_curve(counts)
    shares = np.linspace(0, 1, CURVE_POINTS)
    at = np.interp(shares, places, held) if counts.sum() else np.zeros(CURVE_POINTS)
    return [
        {"facilities": round(float(x), 4), "incidents": round(float(y), 4)} for x, y in zip(shares, at, strict=True)
    ]


def attribute_places(places: pa.Table, points: np.ndarray, within: float, size: np.ndarray | None) -> RiskyFacilities:
    """The places' incidents (read.place_counts: lon, lat, n) attributed to the facilities (m x 2, National Grid
    metres) within `within` metres: counts, rates per unit of size, the J-curve's order and knee, the risky ones."""
    n = np.asarray(places["n"].to_numpy(), dtype=float)
    keep = n > 0
    east, north = to_national_grid(places["lon"].to_numpy()[keep], places["lat"].to_numpy()[keep])
    return risky_facilities(np.column_stack([east, north]), points, within, size, n[keep])


def risky_facilities_layer(
    con: Connection, filters: Filters, area: StudyArea, data: bytes, within: float = WITHIN, size: str | None = None
) -> dict[str, Any]:
    """The facilities of the file as points with their counts, rates, ranks and whether they are above the knee, with
    the J-curve; ParameterError when the file gives no facilities or lacks the size column asked."""
    try:
        facilities = read_facilities(data, size)
    except GeoError as exc:
        raise ParameterError("file", str(exc)) from exc
    places = read.place_counts(con, filters.incident, area.lads)
    points = np.column_stack([facilities.east, facilities.north])
    found = attribute_places(places, points, within, facilities.size)
    rank = np.empty(len(found.counts), dtype=int)
    rank[found.order] = np.arange(1, len(found.order) + 1)
    risky = set(found.risky.tolist())
    lon, lat = from_national_grid(facilities.east, facilities.north)
    features = []
    for k in found.order.tolist():
        rate = None if found.rates is None or np.isnan(found.rates[k]) else round(float(found.rates[k]), 4)
        given = None if facilities.size is None or np.isnan(facilities.size[k]) else float(facilities.size[k])
        point = {"type": "Point", "coordinates": [round(float(lon[k]), 7), round(float(lat[k]), 7)]}
        properties = {
            "rank": int(rank[k]),
            "name": facilities.names[k],
            "count": int(found.counts[k]),
            "size": given,
            "rate": rate,
            "risky": k in risky,
        }
        features.append(feature(point, properties, fid=str(k + 1)))
    k_rank = found.knee_rank
    knee = None if k_rank is None else {"rank": k_rank + 1, "count": int(found.counts[found.order[k_rank]])}
    sources = filters.incident.sources
    snapped = not sources or "police" in sources
    return feature_collection(
        features,
        area=area.echo(),
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        file={"kind": facilities.kind, "facilities": len(found.counts), "size": size},
        within_m=within,
        incidents=found.incidents,
        attributed=found.attributed,
        knee=knee,
        risky={
            "facilities": len(risky),
            "share_of_facilities": round(len(risky) / len(found.counts), 4),
            "share_of_incidents": None if found.risky_share is None else round(found.risky_share, 4),
        },
        j_curve=_curve(found.counts),
        warnings=[] if found.attributed else [f"no incident within {within:g} m of any facility"],
        method=METHOD + SNAPPED,
        note=SNAPPED if snapped else "",
    )
