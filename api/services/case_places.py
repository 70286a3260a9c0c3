"""Where a case's records are: a postcode's centroid (Code-Point Open), and whether two records with the same
address text are the same place (within a distance of each other: the same "149 Borough Rd" in two towns is two
addresses)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ingest.geocode import PostcodeIndex, normalise_postcode

Point = tuple[float, float]
Locate = Callable[[str | None], Point | None]
NEAR_M = 500.0  # a map click and the postcode's centroid of one address are rarely further apart


def locator(index: PostcodeIndex | None) -> Locate:
    """A postcode's centroid (lon, lat) from the index; None for no postcode or one not held."""

    def locate(postcode: str | None) -> Point | None:
        code = normalise_postcode(postcode) if postcode and index is not None else None
        return index.locate(code) if code and index is not None else None

    return locate


def metres(a: Point, b: Point) -> float:
    """The distance between two lon/lat points in metres (equirectangular: exact enough within a town)."""
    x = math.radians(b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    y = math.radians(b[1] - a[1])
    return 6_371_000.0 * math.hypot(x, y)


def same_places(records: list[dict[str, Any]], near_m: float) -> list[list[dict[str, Any]]]:
    """Records with one address text split into places: records within near_m of each other (chained) are one place;
    a record with no point joins the place only when there is just one (else it cannot be told which it is, and is
    left out)."""
    placed = [r for r in records if r.get("point")]
    unplaced = [r for r in records if not r.get("point")]
    groups: list[list[dict[str, Any]]] = []
    for record in placed:
        joined = [g for g in groups if any(metres(record["point"], r["point"]) <= near_m for r in g)]
        merged = [record] + [r for g in joined for r in g]
        groups = [g for g in groups if g not in joined] + [merged]
    if len(groups) <= 1:
        return [[*(groups[0] if groups else []), *unplaced]]
    return groups
