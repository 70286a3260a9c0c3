"""Problems as map features: the area drawn as the polygon given or the cells' hexagons dissolved (RFC 7946
orientation), no geometry without an area, and actions counted by the status they have on the day."""

from __future__ import annotations

from datetime import date
from typing import Any

import h3
import numpy as np
import shapely

from api.services.problem_features import action_counts, problem_layer
from geo.hexbin import cell_polygons

TODAY = date(2026, 3, 15)


def _action(start: date, due: date, progress: str) -> dict[str, Any]:
    return {"start": start, "due": due, "progress": progress}


def test_actions_are_counted_by_their_status_on_the_day() -> None:
    actions = [
        _action(date(2026, 4, 1), date(2026, 5, 1), "planned"),  # planned: due
        _action(date(2026, 3, 1), date(2026, 4, 1), "planned"),  # started: in progress, due
        _action(date(2026, 1, 1), date(2026, 3, 14), "in progress"),  # past due: overdue
        _action(date(2026, 1, 1), date(2026, 2, 1), "done"),  # done, though past due
        _action(date(2026, 1, 1), date(2026, 3, 15), "planned"),  # due today: not yet overdue
    ]
    assert action_counts(actions, TODAY) == {"actions_due": 3, "actions_overdue": 1, "actions_done": 1}
    assert action_counts([], TODAY) == {"actions_due": 0, "actions_overdue": 0, "actions_done": 0}


def test_an_area_of_cells_is_their_hexagons_dissolved_and_a_polygon_is_itself() -> None:
    centre = h3.latlng_to_cell(54.574, -1.234, 9)
    cells = sorted(h3.grid_disk(centre, 1))  # seven touching hexagons: one polygon, no seams
    ring = [[-1.24, 54.57], [-1.22, 54.57], [-1.22, 54.58], [-1.24, 54.58], [-1.24, 54.57]]
    shown = [
        ({"id": 1, "area": {"kind": "cells", "res": 9, "value": cells}}, {"id": 1}, True),
        (
            {"id": 2, "area": {"kind": "polygon", "res": 9, "value": {"type": "Polygon", "coordinates": [ring]}}},
            {},
            True,
        ),
        ({"id": 3, "area": None}, {"id": 3}, False),
    ]
    layer = problem_layer(None, shown)  # type: ignore[arg-type]  # no ward is drawn: the store is not read
    assert layer["type"] == "FeatureCollection" and [f["id"] for f in layer["features"]] == [1, 2, 3]
    dissolved = layer["features"][0]
    assert dissolved["geometry"]["type"] == "Polygon" and len(dissolved["geometry"]["coordinates"]) == 1
    hexagons = shapely.union_all(cell_polygons(np.array([int(c, 16) for c in cells], dtype=np.uint64)))
    shape = shapely.geometry.shape(dissolved["geometry"])
    assert shapely.symmetric_difference(shape, hexagons).area < 1e-9 and shape.exterior.is_ccw
    drawn = shapely.geometry.shape(layer["features"][1]["geometry"])
    assert drawn.equals(shapely.Polygon(ring)) and drawn.exterior.is_ccw
    assert layer["features"][2]["geometry"] is None and layer["features"][2]["properties"] == {"id": 3}
