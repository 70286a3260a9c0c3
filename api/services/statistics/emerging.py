"""Emerging hotspots: each cell's pattern of Gi* hot and cold slices over the period's months (or weeks)."""

from __future__ import annotations

from typing import Any

from api.services.cell_places import places_words
from api.services.hotspots import EMERGING_COLOURS, emerging_layer
from api.services.statistics.registry import Drawing, Layer, Legend, PackSection, Parameter, Properties, Statistic, View
from api.services.tasking_pack_area import PackOptions, emerging_hotspots

KEY = "emerging"


def _compute(view: View, p: dict[str, Any]) -> Layer:
    v = view
    return emerging_layer(
        v.con, v.filters, v.area, p["res"], p["k"], p["alpha"], v.caches.wards, v.caches.lattices, p["interval"]
    )


def _words(p: Properties, layer: Layer) -> Properties:
    months = len(p.get("counts") or []) or len(layer.get("slices") or [])
    hot = p.get("side") == "hot"
    trend_p = p.get("trend_p")
    direction = p.get("trend") or "steady"
    slices = p["slices_hot"] if hot else p["slices_cold"]
    return {
        "pattern_text": f"{p['pattern']}: {'hot' if hot else 'cold'} in {slices} of {months} months",
        "trend_text": direction if trend_p is None else f"{direction} (Mann-Kendall p {trend_p:.2g})",
        "streets": places_words(p.get("places")),
        "detail": f"cell {p.get('h3', '')}",
    }


def _pack_section(view: View, options: PackOptions) -> dict[str, Any]:
    v = view
    return emerging_hotspots(v.con, v.filters, v.area, options.emerging_res, v.caches, v.postcodes)


EMERGING = Statistic(
    key=KEY,
    title="Emerging hotspots",
    parameters=(
        Parameter("res", int, 8, "H3 resolution, 7 to 10", ge=7, le=10),
        Parameter("k", int, 1, "Neighbourhood: cells within k grid steps", ge=1, le=3),
        Parameter("alpha", float, 0.1, "False discovery rate for a significant slice", gt=0, lt=0.5),
        Parameter(
            "interval",
            str,
            "month",
            "Time slices: months, or whole ISO weeks of incidents dated to the day (not police.uk)",
            choices=("month", "week"),
        ),
    ),
    compute=_compute,
    on_map=lambda res: {"res": min(max(res, 7), 8)},
    drawing=Drawing(
        name=lambda layer: f"Emerging hotspots (res {layer['resolution']})",
        style=lambda ft: {
            "fillColor": ft["properties"]["colour"],
            "color": "#333333",
            "weight": 0.5,
            "fillOpacity": 0.8,
            "className": "aim-emerging",
        },
        tooltip=(
            ("pattern_text", "Emerging hotspot"),
            ("trend_text", "Monthly trend"),
            ("ward_name", "Ward"),
            ("streets", "Streets"),
            ("detail", "Cell"),
        ),
        words=_words,
        legend=Legend(
            "statistics/emerging_legend.html",
            lambda layer: {"rows": [(colour, name) for name, colour in EMERGING_COLOURS.items()]},
        ),
    ),
    route="/api/v1/hotspots/emerging",
    pack=PackSection("hotspots", "hotspots", _pack_section, lambda section: len(section["cells"]), order=2),
)
