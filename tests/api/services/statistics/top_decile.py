"""A small real statistic declared outside the package, for the registry's tests: the study area's cells whose
incident count over the period is above a percentile (90th by default) of its cells' counts, empty cells included."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.statistics import Drawing, Layer, Legend, OgcCollection, Parameter, Properties, Statistic, View
from api.services.study_area import lattice_counts
from geo.features import feature_collection, hex_features

KEY = "top_decile"
COLOUR = "#7a0177"


def above_percentile(x: np.ndarray, percentile: float) -> tuple[np.ndarray, float]:
    """The indices of the counts above the percentile of all of them, most first, and that percentile."""
    threshold = float(np.percentile(x, percentile)) if len(x) else 0.0
    chosen = np.flatnonzero(x > threshold)
    return chosen[np.argsort(-x[chosen], kind="stable")], threshold


def top_decile_layer(view: View, p: dict[str, Any]) -> Layer:
    """The cells above the percentile, most incidents first."""
    v = view
    lattice, bbox = v.caches.lattices.get(v.con, v.caches.wards, v.filters.boundary_set, v.area, p["res"])
    counts, _ = lattice_counts(v.con, v.filters.incident, lattice, bbox)
    x = counts.sum(axis=1)
    chosen, threshold = above_percentile(x, p["percentile"])
    props = [{"count": int(x[i])} for i in chosen]
    return feature_collection(
        hex_features(lattice.cells[chosen], props),
        area=v.area.echo(),
        resolution=p["res"],
        percentile=p["percentile"],
        threshold=threshold,
        cells_tested=len(lattice),
    )


def _words(p: Properties, layer: Layer) -> Properties:
    return {"count_text": f"{p['count']:,} incidents, above {layer['threshold']:g}", "detail": f"cell {p['h3']}"}


TOP_DECILE = Statistic(
    key=KEY,
    title="Cells above the 90th percentile",
    parameters=(
        Parameter("res", int, 8, "H3 resolution, 7 to 10", ge=7, le=10),
        Parameter("percentile", float, 90.0, "The percentile of the cells' counts to be above", gt=0, lt=100),
    ),
    compute=top_decile_layer,
    on_map=lambda res: {"res": min(max(res, 7), 9)},
    drawing=Drawing(
        name=lambda layer: f"Top decile of cells (res {layer['resolution']})",
        style=lambda ft: {"fillColor": COLOUR, "color": COLOUR, "weight": 1, "fillOpacity": 0.6},
        tooltip=(("count_text", "Incidents"), ("detail", "Cell")),
        words=_words,
        legend=Legend(
            "statistics/legend.html",
            lambda layer: {
                "title": f"Top decile: cells with more than {layer['threshold']:g} incidents",
                "rows": [(COLOUR, "above the 90th percentile of the study area's cells")],
                "explain": "Raw counts, no test of significance.",
            },
        ),
    ),
    collection=OgcCollection(
        "top-decile",
        "Cells above the 90th percentile",
        "The study area's cells with more incidents than 90% of its cells. Feature id: the H3 cell.",
        "top_decile_items",
        "The cells above the percentile, most incidents first, a page at a time.",
        "top_decile_item",
        "One cell above the percentile by id.",
    ),
)
