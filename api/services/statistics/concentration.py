"""Concentration: how few places hold the study area's incidents (Lorenz curve, Gini, generalized Gini, beyond
chance), drawn as the cells holding the places where half of them are."""

from __future__ import annotations

from typing import Any

from api.services.concentration import concentration_layer
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

KEY = "place_concentration"
COLOUR = "#e6550d"


def _compute(view: View, p: dict[str, Any]) -> Layer:
    v = view
    return concentration_layer(v.con, v.filters, v.area, p["res"], p["by_lad"], p["draws"], p["seed"])


def _headline(layer: Layer) -> dict[str, Any] | None:
    """The study area's row over its first category and year (the row the legend and pack quote)."""
    rows = layer.get("concentration") or []
    return rows[0] if rows else None


def headline_words(row: dict[str, Any] | None) -> str:
    """The headline figures in words: "asb 2025: 50% of incidents at 7.0% of 1,146 places, ...; Gini 0.74 ..."."""
    if not row or row["gini"] is None:
        return "No incidents with a map point in the area and period"
    words = (
        f"{row['category']} {row['year']}: 50% of incidents at {row['half']:.1%} of {row['places']:,} places, "
        f"25% at {row['quarter']:.1%}; Gini {row['gini']:.2f}"
    )
    if row["generalized_unbiased"] is not None:
        interval = row["intervals"].get("generalized_unbiased")
        bounds = f" (95% {interval[0]:.2f} to {interval[1]:.2f})" if interval else ""
        words += f", generalized (unbiased) {row['generalized_unbiased']:.2f}{bounds}"
    if row["beyond_chance"] is not None:
        words += f"; {row['beyond_chance']:.0%} of it beyond chance"
    return words


def _places_half(rows: list[dict[str, Any]]) -> int:
    """How many places hold half the incidents of the first row (the study area's first category and year)."""
    row = rows[0] if rows else None
    return int(row["places_half"]) if row and row["places_half"] is not None else 0


def _words(p: Properties, layer: Layer) -> Properties:
    return {
        "held_text": f"{p['count']:,} incidents at {p['places']:,} of the busiest places",
        "detail": f"cell {p.get('h3', '')}",
    }


def _pack_section(view: View, options: Any) -> dict[str, Any]:
    v = view
    layer = concentration_layer(v.con, v.filters, v.area, 9, by_lad=True, draws=100)
    return {
        "rows": layer["concentration"],
        "headline": headline_words(_headline(layer)),
        "method": layer["method"],
        "note": layer["note"],
    }


CONCENTRATION = Statistic(
    key=KEY,
    title="Concentration across places",
    parameters=(
        Parameter("res", int, 9, "H3 resolution of the cells drawn, 7 to 10", ge=7, le=10),
        Parameter("by_lad", bool, False, "Figures for each local authority district of the area too"),
        Parameter("draws", int, 200, "Bootstrap draws for the intervals (0: none)", ge=0, le=2000),
        Parameter("seed", int, 0, "Random seed (the same seed, the same intervals)", ge=0, le=2**31),
    ),
    compute=_compute,
    on_map=lambda res: {"res": min(max(res, 7), 10), "draws": 50},
    drawing=Drawing(
        name=lambda layer: f"Where half the incidents are (res {layer['resolution']})",
        style=lambda ft: {"fillColor": COLOUR, "color": "#7f2704", "weight": 0.8, "fillOpacity": 0.6},
        tooltip=(("held_text", "Incidents"), ("detail", "Cell")),
        words=_words,
        legend=Legend(
            "statistics/legend.html",
            lambda layer: {
                "title": "Where half the incidents are",
                "rows": [(COLOUR, "cells holding the busiest places, together half the incidents")],
                "explain": f"{headline_words(_headline(layer))}. {layer['note']}",
            },
        ),
        download="Where half the incidents are (GeoJSON)",
    ),
    route="/api/v1/concentration",
    collection=OgcCollection(
        "concentration",
        "Where half the incidents are",
        "The H3 cells holding the study area's busiest places (police.uk snap points, council feeds' points), together "
        "half its incidents, with the concentration figures (Lorenz curve, Gini, generalized Gini, beyond chance) by "
        "area, category and year; the same features as /api/v1/concentration. Feature id: the H3 cell.",
        "concentration_items",
        "The cells where half the incidents are (as /api/v1/concentration), a page at a time.",
        "concentration_item",
        "One cell of the concentration layer by id.",
    ),
    pack=PackSection("concentration", "places_holding_half", _pack_section, lambda s: _places_half(s["rows"]), order=4),
)
