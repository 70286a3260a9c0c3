"""OGC API - Features (Part 1: Core, GeoJSON) over AIM's layers: the collections, their extents, `datetime` as months,
`bbox` and pages of features.

Every collection's features come from the service that answers its /api/v1 route, with the caller's figures; this
module only selects and pages them, and never counts anything itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
import shapely

from api.services.errors import ParameterError
from api.services.statistics import registered
from ingest.store import read
from ingest.store.connection import Connection

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
INCIDENTS_DEFAULT_LIMIT = 500
INCIDENTS_MAX_LIMIT = 5000
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Collection:
    """A feature collection: its id, title and what its items are (the /api/v1 route it serves is in the policy)."""

    id: str
    title: str
    description: str
    res: int | None = None  # hexagon collections: the H3 resolution


COLLECTIONS = (
    Collection(
        "wards",
        "ASB by ward",
        "Incidents per ward over the period (`datetime`), with the previous period of the same length and the "
        "change; the same features as /api/v1/wards. Feature id: the ward code.",
    ),
    *(
        Collection(
            f"hexagons-{res}",
            f"ASB by H3 hexagon, resolution {res}",
            f"Incidents with a point per H3 cell at resolution {res} over the period; the same features as "
            f"/api/v1/hexes?res={res} (cells whose count is not published are left out). Feature id: the H3 cell.",
            res,
        )
        for res in (6, 7, 8)
    ),
    *(  # each statistic with a collection (api.services.statistics), in the registry's order
        Collection(s.collection.id, s.collection.title, s.collection.description) for s in registered() if s.collection
    ),
    Collection(
        "incidents",
        "Incident records",
        "Incident records matching the filters, ordered by id; the same rows as /api/v1/incidents (every read is "
        "written to the audit log). Feature id: the incident id.",
    ),
    Collection(
        "problems",
        "Problems",
        "Problem areas in the tasking database, oldest first, as the caller may see them on /api/v1/problems: "
        "analysts every problem; partners those they are party to; councillors those in their wards; the public "
        "those with a published progress note. The area as a polygon (the cells' hexagons dissolved, the wards' "
        "boundaries or the polygon drawn; for councillors and the public the outline of the wards it lies in), with "
        "title, status, category group, owner, wards, dates and the actions due, overdue and done (not for the "
        "public). Listed only to callers who may see at least one problem. Feature id: the problem id.",
    ),
)
BY_ID = {c.id: c for c in COLLECTIONS}

# RFC 3339 date-time or full date (or a month, YYYY-MM), as OGC API Features' `datetime` takes them
INSTANT = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?)?$"
)


def _month(text: str) -> str | None:
    """The YYYY-MM month of one end of an interval (None for an open end: `..` or empty)."""
    text = text.strip()
    if text in ("", ".."):
        return None
    m = INSTANT.match(text)
    if not m:
        raise ParameterError("datetime", f"{text!r} is not an RFC 3339 date-time or date (2025-03-31T12:00:00Z)")
    year, month = int(m.group(1)), int(m.group(2))
    try:
        if m.group(3):
            date(year, month, int(m.group(3)))
        if m.group(4):
            datetime(year, month, int(m.group(3)), int(m.group(4)), int(m.group(5)), min(int(m.group(6)), 59))
        elif not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ParameterError("datetime", f"{text!r} is not a valid date") from None
    if not 1900 <= year <= 2199:
        raise ParameterError("datetime", f"{text!r}: years 1900 to 2199 only")
    return f"{year:04d}-{month:02d}"


def datetime_months(text: str | None) -> tuple[str | None, str | None]:
    """`datetime` (an instant, or an interval `start/end` with `..` or nothing for an open end) as AIM's first and
    last month: every month the instant or interval touches, counted whole (dates as written: a time zone offset
    does not move one into another month). None: the filters' default (the latest 12 months held, or the 12 months
    ending at a closed end; an interval open at the end runs to the latest month held)."""
    if text is None:
        return None, None
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        if "/" in end_text:
            raise ParameterError("datetime", "an interval has one `/`: start/end")
        start, end = _month(start_text), _month(end_text)
        if start and end and end < start:
            raise ParameterError("datetime", f"{text!r} ends before it starts")
        return start, end
    month = _month(text)
    if month is None:
        raise ParameterError(
            "datetime", "an instant (2025-03-31) or an interval (2025-01-01/2025-03-31, ../2025-03-31)"
        )
    return month, month


def parse_bbox(text: str | None, crs: str | None = None) -> Box | None:
    """`bbox` as OGC API Features takes it: minlon,minlat,maxlon,maxlat in CRS84 (six numbers: with heights, which
    are ignored). Any size, the whole world included: a GIS client zoomed out sends one."""
    if crs not in (None, CRS84):
        raise ParameterError("bbox-crs", f"only {CRS84} is supported")
    if text is None:
        return None
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
        if len(numbers) not in (4, 6) or not all(abs(n) < float("inf") for n in numbers):
            raise ValueError
    except ValueError:
        raise ParameterError("bbox", "four numbers (minlon,minlat,maxlon,maxlat) or six (with heights)") from None
    minlon, minlat, maxlon, maxlat = numbers if len(numbers) == 4 else numbers[:2] + numbers[3:5]
    if not (-90 <= minlat <= maxlat <= 90):
        raise ParameterError("bbox", "latitudes within -90..90, the lower one first")
    if minlon > maxlon:  # a box across the antimeridian: nothing in AIM lies there, so every longitude
        minlon, maxlon = -180.0, 180.0
    return max(minlon, -180.0), minlat, min(maxlon, 180.0), maxlat


def within(features: list[dict[str, Any]], bbox: Box | None) -> list[dict[str, Any]]:
    """The features whose geometry intersects the box (all of them without one; none without a geometry)."""
    if bbox is None or not features:
        return features
    geometries = shapely.from_geojson(
        [
            orjson.dumps(f["geometry"]).decode() if f.get("geometry") else '{"type":"Point","coordinates":[]}'
            for f in features
        ]
    )
    hits = shapely.intersects(geometries, shapely.box(*bbox))
    return [f for f, hit in zip(features, hits, strict=True) if hit]


def page(features: list[dict[str, Any]], offset: int, limit: int) -> list[dict[str, Any]]:
    """The features from `offset`, at most `limit` of them."""
    return features[offset : offset + limit]


def extent(con: Connection, bounds: Box | None) -> dict[str, Any]:
    """A collection's extent: the box around the boundary set's wards, and the months held."""
    first, last = read.month_extent(con)
    interval = [
        f"{first:%Y-%m}-01T00:00:00Z" if first else None,
        f"{_month_end(last):%Y-%m-%d}T23:59:59Z" if last else None,
    ]
    spatial = [list(bounds)] if bounds else [[-180.0, -90.0, 180.0, 90.0]]
    return {"spatial": {"bbox": spatial, "crs": CRS84}, "temporal": {"interval": [interval], "trs": GREGORIAN}}


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
