"""Near-repeats: the Knox test over the study area's incidents dated to the day, drawn as the cells of elevated risk
after each recent incident, with the day each stays elevated until."""

from __future__ import annotations

from typing import Any

from api.services.errors import ParameterError
from api.services.near_repeat import DEFAULTS, figures, near_repeat_layer, window_words
from api.services.statistics.registry import (
    Drawing,
    Layer,
    Legend,
    OgcCollection,
    PackSection,
    Parameter,
    Properties,
    Statistic,
    View,
)

KEY = "knox"
COLOUR = "#d7301f"

D = DEFAULTS
PARAMETERS = (
    Parameter("distance_band", float, D["distance_band"], "Width of each distance band, metres", gt=0, le=5000),
    Parameter(
        "distance_bands", int, D["distance_bands"], "How many distance bands (then everything farther)", ge=1, le=10
    ),
    Parameter(
        "same_place", float, D["same_place"], "A first band [0, this) m for the same place (0: none)", ge=0, le=50
    ),
    Parameter("day_band", int, D["day_band"], "Width of each day band, days", ge=1, le=90),
    Parameter("day_bands", int, D["day_bands"], "How many day bands (then everything later)", ge=1, le=10),
    Parameter("metric", str, D["metric"], "Distance: euclidean or manhattan", choices=("euclidean", "manhattan")),
    Parameter("closed", str, D["closed"], "Bands [a, b) (left) or (a, b] (right)", choices=("left", "right")),
    Parameter("permutations", int, D["permutations"], "Permutations of the dates for the p-values", ge=0, le=999),
    Parameter("seed", int, D["seed"], "Random seed (the same seed, the same p-values)", ge=0, le=2**31),
    Parameter("alpha", float, D["alpha"], "p-value at or under which a band pair is elevated", gt=0, lt=0.5),
)


def _check(p: dict[str, Any]) -> dict[str, Any]:
    """The same-place band must end before the first distance band does."""
    if p["same_place"] >= p["distance_band"]:
        raise ParameterError("same_place", "less than distance_band")
    return p


def _words(p: Properties, layer: Layer) -> Properties:
    return {
        "until_text": f"until {p['until']}",
        "near_text": f"{p['incidents']:,} recent incidents nearby, the latest on {p['latest']}",
    }


def _pack_section(view: View, options: Any) -> dict[str, Any]:
    return figures(view.con, view.filters.incident, view.area.lads)


NEAR_REPEAT = Statistic(
    key=KEY,
    title="Near-repeats",
    parameters=PARAMETERS,
    compute=lambda view, p: near_repeat_layer(view.con, view.filters, view.area, p),
    on_map=lambda res: {"permutations": 39},  # p-values down to 0.025: enough for alpha 0.05, lighter
    check=_check,
    drawing=Drawing(
        name=lambda layer: "Near-repeat risk after recent incidents",
        style=lambda ft: {"fillColor": COLOUR, "color": COLOUR, "weight": 0.5, "fillOpacity": 0.45},
        tooltip=(("until_text", "Elevated risk"), ("near_text", "Why")),
        words=_words,
        legend=Legend(
            "statistics/legend.html",
            lambda layer: {
                "title": "Near-repeat risk",
                "rows": [(COLOUR, "cells near a recent incident, while the risk after it stays elevated")],
                "explain": f"{window_words(layer)}. {layer['note']}",
            },
        ),
        download="Near-repeat risk (GeoJSON)",
    ),
    route="/api/v1/near-repeat",
    collection=OgcCollection(
        "near-repeat",
        "Near-repeat risk after recent incidents",
        "The Knox test of the study area's incidents dated to the day (council feeds; police.uk gives months only and "
        "is never in it): pairs by distance band x day band, expected counts, Knox ratios and Monte Carlo p-values; "
        "features: the H3 cells (res 10) near each recent incident while the risk after it stays elevated, with the "
        "day it ends; the same as /api/v1/near-repeat. Feature id: the H3 cell.",
        "near_repeat_items",
        "The cells of elevated near-repeat risk (as /api/v1/near-repeat), a page at a time.",
        "near_repeat_item",
        "One cell of elevated near-repeat risk by id.",
    ),
    pack=PackSection("near_repeat", "near_repeat_recent", _pack_section, lambda s: int(s["recent"]), order=6),
)
