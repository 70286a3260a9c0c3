"""Getis-Ord Gi* hot and cold spots over the study area's H3 cells (or its wards), FDR-controlled."""

from __future__ import annotations

from typing import Any

from api.services.cell_places import places_words
from api.services.hotspots import GI_LEGEND, flagged_words, gi_layer_of
from api.services.layer_tables import Cell, Column, Row, Table, cell_id, grid_refs, number_cell, text_cell
from api.services.statistics.registry import (
    Drawing,
    Layer,
    Legend,
    OgcCollection,
    Parameter,
    Properties,
    Statistic,
    View,
)

KEY = "gi"
COLOURS = {row["class"]: row["colour"] for row in GI_LEGEND}
OUTLINE = {"hot": "#67001f", "cold": "#053061"}  # the statistical cells stand out by their outline too
WEIGHT = {"99": 2.2, "95": 1.5, "90": 0.8}  # and the stricter the FDR level, the bolder
# Not by colour alone (WCAG 1.4.1): cold spots' outlines are dashed, hot spots' solid, which greyscale keeps
DASH = {"hot": None, "cold": "5 3"}


def gi_words(gi_class: str) -> str:
    """A Gi* class in words: hot-99 -> "Gi* hot spot, flagged at FDR q ≤ 0.01"."""
    side, _, level = gi_class.partition("-")
    return f"Gi* {side} spot, {flagged_words(int(level))}" if level else f"Gi*: {gi_class}"


def _side(gi_class: str) -> str:
    return "hot" if gi_class.startswith("hot") else "cold"


def _outline(gi_class: str) -> str:
    return OUTLINE[_side(gi_class)]


def _compute(view: View, p: dict[str, Any]) -> Layer:
    v = view
    return gi_layer_of(
        p["unit"], v.con, v.filters, v.area, p["res"], p["k"], v.caches.wards, v.caches.lattices, p["all"]
    )


def _words(p: Properties, layer: Layer) -> Properties:
    counted = f"{p['count']:,} in the cell, {p['neighbourhood_count']:,} with its neighbours"
    ward = f", {p['ward_name']} ward" if p.get("ward_name") else ""
    return {
        "gi_text": gi_words(p["class"]),
        "count_text": counted,
        "streets": places_words(p.get("places")),
        "detail": f"z {p['z']:.2f}, FDR q {p['q']:.3g}, cell {p.get('h3', '')}",
        "label": f"{gi_words(p['class'])}{ward}: {counted.replace(' in the cell', ' incidents in the cell')}",
    }


def _style(ft: dict[str, Any]) -> dict[str, Any]:
    gi_class = ft["properties"]["class"]
    return {
        "fillColor": COLOURS.get(gi_class, "#ffffff"),
        "color": _outline(gi_class),
        "weight": WEIGHT.get(gi_class.partition("-")[2], 0.8),
        "fillOpacity": 0.85,
        "dashArray": DASH[_side(gi_class)],
        "className": f"aim-gi aim-gi-{_side(gi_class)}",
    }


def _legend(layer: Layer) -> dict[str, Any]:
    return {
        "area": layer["area"]["name"],
        "rows": [(r["colour"], _outline(r["class"]), r["meaning"]) for r in GI_LEGEND],
        "dashed": [OUTLINE[side] for side, dash in DASH.items() if dash],  # the outlines drawn dashed
        "warnings": list(layer["warnings"]),
    }


def _table(layer: dict[str, Any]) -> Table:
    """The Gi* layer's hot and cold spots."""
    features = layer["features"]
    rows = []
    for ft, ref in zip(features, grid_refs(features), strict=True):
        p = ft["properties"]
        side = "hot" if str(p["class"]).startswith("hot") else "cold"
        cells = [
            text_cell(ref),
            Cell(gi_words(p["class"]), f"{side} {100 - int(p.get('confidence') or 0):03d}"),
            number_cell(p.get("count")),
            number_cell(p.get("neighbourhood_count")),
            text_cell(p.get("ward_name")),
            number_cell(p.get("z"), 2),
        ]
        rows.append(Row(cells, cell=cell_id(ft)))
    columns = [
        Column("Centre (grid reference)"),
        Column("Hot or cold spot"),
        Column("Incidents in the cell", True),
        Column("With its neighbours", True),
        Column("Ward"),
        Column("z", True, "descending"),
    ]
    return Table(KEY, f"Gi* hot and cold spots (res {layer.get('resolution', '')})", columns, rows)


GI = Statistic(
    key=KEY,
    title="Gi* hot and cold spots",
    parameters=(
        Parameter("res", int, 9, "H3 resolution, 7 to 10", ge=7, le=10),
        Parameter("k", int, 1, "Neighbourhood: cells within k grid steps", ge=1, le=3),
        Parameter("all", bool, False, "Every cell, not only significant ones"),
        Parameter("unit", str, "h3", "h3 cells (res, k) or wards (contiguity)", choices=("h3", "ward")),
    ),
    compute=_compute,
    on_map=lambda res: {"res": min(max(res, 7), 9)},
    drawing=Drawing(
        name=lambda layer: f"Gi* hot and cold spots (res {layer['resolution']})",
        style=_style,
        tooltip=(
            ("gi_text", "Hot or cold spot"),
            ("count_text", "Incidents"),
            ("ward_name", "Ward"),
            ("streets", "Streets"),
            ("detail", "Figures"),
        ),
        words=_words,
        table=_table,
        legend=Legend("statistics/gi_legend.html", _legend),
        shown=True,
        download="Gi* hot and cold spots (GeoJSON)",
    ),
    route="/api/v1/hotspots/gi",
    collection=OgcCollection(
        "hotspots",
        "Gi* hot and cold spots",
        "Getis-Ord Gi* hot and cold spots of a study area (`force`, `csp` or `lad`; default every area with "
        "incidents), significant cells only unless `all=true`; the same features as /api/v1/hotspots/gi. "
        "Feature id: the H3 cell (the ward code with `unit=ward`).",
        "hotspot_items",
        "Gi* hot and cold spots of the study area (as /api/v1/hotspots/gi), hottest first, a page at a time.",
        "hotspot_item",
        "One cell (or ward) of the Gi* layer by id.",
    ),
)
