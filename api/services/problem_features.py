"""Problems as map features: a problem's area as one polygon (its cells' hexagons dissolved, its wards' boundaries,
or the polygon drawn), or the outline of the wards it lies in; and its actions counted by status. Who sees which
problems, which properties and which outline is decided by api/access/tasking.py."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import shapely

from api.services.problem_area import WardShapes, area_ward_codes, ward_shapes
from api.services.tasking import action_status
from geo.problem_areas import cells_from_text, outline
from ingest.store.connection import Connection


def action_counts(actions: list[dict[str, Any]], today: date) -> dict[str, int]:
    """A problem's actions by status: due (planned or in progress, not yet past due), overdue and done."""
    statuses = [action_status(a, today) for a in actions]
    return {
        "actions_due": sum(s in ("planned", "in progress") for s in statuses),
        "actions_overdue": statuses.count("overdue"),
        "actions_done": statuses.count("done"),
    }


class Outlines:
    """Areas and wards as shapely geometries, each boundary set's wards read once."""

    def __init__(self, con: Connection) -> None:
        self._con = con
        self._sets: dict[str, WardShapes] = {}

    def wards(self, boundary_set: str, codes: set[str]) -> shapely.Geometry:
        """The union of the wards' boundaries."""
        if boundary_set not in self._sets:
            self._sets[boundary_set] = ward_shapes(self._con, boundary_set)
        return shapely.union_all(self._sets[boundary_set].of(codes).geometries)

    def area(self, area: dict[str, Any]) -> shapely.Geometry:
        """The area itself: the polygon drawn, the cells' hexagons dissolved, or the wards' boundaries."""
        if area["kind"] == "polygon":
            return shapely.from_geojson(json.dumps(area["value"]))
        if area["kind"] == "cells":
            return outline(cells_from_text(area["value"]))
        return self.wards(area["boundary_set"], {str(c) for c in area["value"]})


def _geojson(shape: shapely.Geometry) -> dict[str, Any] | None:
    if shape is None or shape.is_empty:
        return None
    geometry: dict[str, Any] = json.loads(shapely.to_geojson(shapely.orient_polygons(shape)))
    return geometry


def problem_layer(con: Connection, shown: list[tuple[dict[str, Any], dict[str, Any], bool]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of problems, given each problem with the properties to show and whether its own
    area is shown (else the outline of the wards it lies in), in the order given."""
    outlines = Outlines(con)
    features = []
    for problem, properties, own_area in shown:
        area = problem.get("area") or {}
        if not area:
            shape = None
        elif own_area:
            shape = outlines.area(area)
        else:
            shape = outlines.wards(area["boundary_set"], area_ward_codes(area))
        features.append({"type": "Feature", "id": problem["id"], "geometry": _geojson(shape), "properties": properties})
    return {"type": "FeatureCollection", "features": features}
