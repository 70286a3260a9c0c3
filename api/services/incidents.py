"""Incident-level rows: filtered pages (GeoJSON or CSV) and one incident with the records linked to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.services.errors import NotFoundError, ParameterError
from api.services.filters import Filters
from api.services.places import resolve_ward
from ingest.store import read
from ingest.store.connection import Connection

CSV_COLUMNS = [
    "id",
    "source",
    "feed",
    "category",
    "source_category",
    "month",
    "occurred_at",
    "location_precision",
    "lon",
    "lat",
    "location_text",
    "lsoa_code",
    "lad_code",
    "ward",
    "recorded_ward",
    "source_ref",
    "outcome",
    "reported_by",
    "linked_group",
]


@dataclass(frozen=True)
class IncidentPage:
    """One page of incident rows, the id to continue after (None on the last page) and the id to go back before
    (None on the first page)."""

    rows: list[dict[str, Any]]
    last_id: str | None
    first_id: str | None = None


def _cursor(text: str | None, name: str) -> int | None:
    cursor = None
    if text is not None and (cursor := read.parse_id(text)) is None:
        raise ParameterError(
            name, f"not a cursor from a `{'next' if name == 'after' else 'prev'}` link (32 hex digits)"
        )
    return cursor


def incident_page(
    con: Connection,
    filters: Filters,
    limit: int,
    after: str | None,
    bbox: tuple[float, float, float, float] | None,
    ward: str | None,
    visible: tuple[str, ...] | None = None,
    before: str | None = None,
) -> IncidentPage:
    """Incidents matching the filters, ordered by id, `limit` at a time after the cursor (or, with `before`, the
    `limit` just before that cursor). A caller limited to some sources (`visible`) sees no link: which of its records
    other agencies also hold is not its to know."""
    if after is not None and before is not None:
        raise ParameterError("before", "give at most one of after and before")
    start, end = _cursor(after, "after"), _cursor(before, "before")
    if ward is not None:
        ward = resolve_ward(con, filters.boundary_set, ward).code
    f, wards = filters.incident, filters.boundary_set
    if end is not None:
        rows = read.incident_page(con, f, wards, limit + 1, bbox=bbox, ward=ward, before=end).to_pylist()
        earlier = len(rows) > limit
        rows = rows[:limit][::-1]
        last_id = rows[-1]["id"] if rows else None  # the cursor's own row follows
        first_id = rows[0]["id"] if earlier else None
    else:
        rows = read.incident_page(con, f, wards, limit + 1, start, bbox, ward).to_pylist()
        more = len(rows) > limit
        rows = rows[:limit]
        last_id = rows[-1]["id"] if more else None
        first_id = rows[0]["id"] if start is not None and rows else None
    if visible is not None:
        rows = [{**r, "linked_group": None} for r in rows]
    return IncidentPage(rows, last_id, first_id)


def incident_count(
    con: Connection, filters: Filters, bbox: tuple[float, float, float, float] | None, ward: str | None
) -> int:
    """How many incidents match the filters, the box and the ward (the rows the pages hold, all told)."""
    return read.incident_count(con, filters.incident, filters.boundary_set, bbox, ward)


def feature(row: dict[str, Any]) -> dict[str, Any]:
    """An incident row as a GeoJSON feature (a row without a point has a null geometry)."""
    row = dict(row)
    lon, lat = row.pop("lon"), row.pop("lat")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
    if row.get("occurred_at") is not None:
        row["occurred_at"] = row["occurred_at"].isoformat(timespec="minutes")
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}


def csv_rows(rows: list[dict[str, Any]]) -> list[list[object]]:
    """Incident rows in CSV_COLUMNS order."""
    return [[r[c] for c in CSV_COLUMNS] for r in rows]


def incident_group(
    con: Connection, incident_id: str, boundary_set: str, visible: tuple[str, ...] | None
) -> dict[str, Any]:
    """One incident and every record linked to it that the caller may see (`visible` sources; None: all)."""
    wanted = read.parse_id(incident_id)
    if wanted is None:
        raise ParameterError("incident_id", "not an incident id (32 hex digits)")
    rows = read.incident_group(con, wanted, boundary_set).to_pylist()
    if visible is not None:
        return _own_record(rows, incident_id.lower(), visible)
    return {
        "type": "FeatureCollection",
        "id": incident_id.lower(),
        "features": [feature(r) for r in rows],
        "linked_records": len(rows) - 1,
    }


def _own_record(rows: list[dict[str, Any]], incident_id: str, visible: tuple[str, ...]) -> dict[str, Any]:
    """A caller limited to some sources gets the record asked for as if nothing were linked to it: no other
    agency's record, id, distance, time apart or count of them."""
    own = [r for r in rows if r["id"] == incident_id and r["source"] in visible]
    if not own:
        raise NotFoundError(f"no incident {incident_id}")
    alone = {**own[0], "linked_group": None, "distance_m": None, "hours_apart": None, "is_primary": True}
    return {"type": "FeatureCollection", "id": incident_id, "features": [feature(alone)], "linked_records": 0}
