"""Emerging hotspots: each cell's pattern of Gi* hot and cold slices over the period's months (or weeks)."""

from __future__ import annotations

from typing import Any

from api.services.cell_places import places_words
from api.services.hotspots import EMERGING_COLOURS, emerging_layer
from api.services.layer_tables import Column, Row, Table, cell_id, grid_refs, number_cell, text_cell
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
    pattern = f"{p['pattern']}: {'hot' if hot else 'cold'} in {slices} of {months} months"
    ward = f", {p['ward_name']} ward" if p.get("ward_name") else ""
    return {
        "pattern_text": pattern,
        "trend_text": direction if trend_p is None else f"{direction} (Mann-Kendall p {trend_p:.2g})",
        "streets": places_words(p.get("places")),
        "detail": f"cell {p.get('h3', '')}",
        "label": f"Emerging hotspot{ward}: {pattern}, monthly trend {direction}",
    }


def _pack_section(view: View, options: PackOptions) -> dict[str, Any]:
    v = view
    return emerging_hotspots(v.con, v.filters, v.area, options.emerging_res, v.caches, v.postcodes)


def _table(layer: dict[str, Any]) -> Table:
    """The emerging hotspots layer's cells."""
    features = layer["features"]
    rows = []
    for ft, ref in zip(features, grid_refs(features), strict=True):
        p = ft["properties"]
        hot = p.get("side") == "hot"
        z = p.get("trend_z") or 0.0
        cells = [
            text_cell(ref),
            text_cell(p.get("pattern")),
            number_cell(p["slices_hot"] if hot else p["slices_cold"]),
            text_cell("hot" if hot else "cold"),
            text_cell("rising" if z > 0 else "falling" if z < 0 else "flat"),
            text_cell(p.get("ward_name")),
        ]
        rows.append(Row(cells, cell=cell_id(ft)))
    columns = [
        Column("Centre (grid reference)"),
        Column("Pattern", False, "ascending"),
        Column("Months hot or cold", True),
        Column("Hot or cold"),
        Column("Monthly trend"),
        Column("Ward"),
    ]
    return Table(KEY, f"Emerging hotspots (res {layer.get('resolution', '')})", columns, rows)


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
        table=_table,
        legend=Legend(
            "statistics/emerging_legend.html",
            lambda layer: {"rows": [(colour, name) for name, colour in EMERGING_COLOURS.items()]},
        ),
    ),
    route="/api/v1/hotspots/emerging",
    pack=PackSection("hotspots", "hotspots", _pack_section, lambda section: len(section["cells"]), order=2),
)
