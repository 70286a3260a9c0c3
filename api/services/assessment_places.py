"""The annual assessment's places: persistent, new and fading hot spots (the emerging hot spot classes of
/api/v1/hotspots/emerging over the year's months), and repeat places and concentration as counts (as
/api/v1/repeat-places and /api/v1/concentration give them)."""

from __future__ import annotations

from typing import Any

from api.services.caches import Caches
from api.services.concentration import concentration_rows
from api.services.filters import Filters
from api.services.hotspots import emerging_layer
from api.services.repeat_places import repeat_places
from api.services.study_area import StudyArea
from ingest.store.connection import Connection

Row = dict[str, Any]
RES, K, ALPHA = 8, 1, 0.1  # the emerging hotspots route's defaults
GROUPS = {  # the year's story of a hot spot, from its emerging hot spot class (hot side)
    "persistent": ("persistent", "intensifying"),
    "new": ("new", "consecutive"),
    "fading": ("diminishing", "historical"),
    "intermittent": ("sporadic", "oscillating"),
}
GROUP_WORDS = {
    "persistent": "hot in at least 90% of the months, the last among them (persistent, or intensifying: rising)",
    "new": "hot in the last month or a run of months up to it, and not before (new, consecutive)",
    "fading": "hot in most months but falling, or no longer hot at the end (diminishing, historical)",
    "intermittent": "hot on and off (sporadic, oscillating)",
}
LISTED = 10  # cells listed in each group, busiest first


def hotspot_groups(con: Connection, filters: Filters, area: StudyArea, caches: Caches) -> Row:
    """The year's hot spot cells by group, each group's count the sum of its classes in the route's `patterns`, and
    its busiest cells with their ward and months hot."""
    layer = emerging_layer(con, filters, area, RES, K, ALPHA, caches.wards, caches.lattices)
    hot = [f["properties"] for f in layer["features"] if f["properties"]["side"] == "hot"]
    groups = []
    for name, classes in GROUPS.items():
        mine = sorted((p for p in hot if p["class"] in classes), key=lambda p: (-sum(p["counts"]), str(p["h3"])))
        groups.append(
            {
                "group": name,
                "meaning": GROUP_WORDS[name],
                "classes": list(classes),
                "cells": sum(layer["patterns"].get(f"{c}-hot", 0) for c in classes),
                "listed": [
                    {
                        "h3": p["h3"],
                        "class": p["class"],
                        "ward": p["ward"],
                        "ward_name": p["ward_name"],
                        "incidents": sum(p["counts"]),
                        "months_hot": p["slices_hot"],
                        "trend": p["trend"],
                    }
                    for p in mine[:LISTED]
                ],
            }
        )
    return {
        "resolution": RES,
        "k": K,
        "alpha": ALPHA,
        "cells_tested": layer["cells_tested"],
        "patterns": layer["patterns"],
        "cold_cells": sum(n for key, n in layer["patterns"].items() if key.endswith("-cold")),
        "groups": groups,
        "warnings": layer["warnings"],
    }


def place_figures(con: Connection, filters: Filters, area: StudyArea) -> Row:
    """Repeat places and concentration as counts only: the repeat figures of the 12 months to December and the
    concentration of the year's incidents over the district's places (no place is named)."""
    found = repeat_places(con, filters.incident, area.lads)
    window = found["rolling"][-1] if found["rolling"] else None
    rows = concentration_rows(con, filters, area, draws=0)
    year = rows[-1] if rows else None
    return {
        "repeat": {
            "window_months": found["window_months"],
            "repeat_at": found["repeat_at"],
            "places_in_area": found["places_in_area"],
            **(
                {k: window[k] for k in ("from", "to", "complete", "incidents", "places", "repeat_places")}
                | {k: window[k] for k in ("repeat_incidents", "repeat_rate", "chance_rate")}
                if window
                else {}
            ),
        },
        "concentration": None
        if year is None
        else {k: year[k] for k in ("from", "to", "places", "incidents", "half", "quarter", "gini", "beyond_chance")},
    }
