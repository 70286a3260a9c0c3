"""The patrol plan: the cells capturing most expected incidents for an area budget or a number of cells, ranked."""

from __future__ import annotations

from typing import Any

from api.services.cell_places import places_words
from api.services.errors import ParameterError
from api.services.layer_tables import Column, Row, Table, cell_id, grid_refs, number_cell, text_cell
from api.services.patrol import patrol_plan, plan_geojson
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
from api.services.tasking_pack_area import PackOptions, patrol_section

KEY = "patrol_plan"
RES = 9  # the plan's cells: H3 resolution
CELLS = 20  # cells to patrol when neither a budget nor a number is given (and on the map)
COLOUR = "#111111"
FILL = "#ffffff"


def _one_budget(p: dict[str, Any]) -> dict[str, Any]:
    if p["budget_km2"] is not None and p["cells"] is not None:
        raise ParameterError("budget_km2", "give at most one of budget_km2 or cells")
    return p if p["budget_km2"] is not None else {**p, "cells": p["cells"] or CELLS}


def _compute(view: View, p: dict[str, Any]) -> Layer:
    v = view
    plan = patrol_plan(
        v.con, v.filters, v.area, p["res"], p["budget_km2"], p["cells"], v.caches.wards, v.caches.lattices, v.postcodes
    )
    return plan_geojson(plan)


def plan_streets(p: Properties) -> str:
    """Where a plan cell is found on the ground, as far as the plan knows: its commonest streets and places."""
    return ", ".join(str(place["place"]) for place in p.get("places") or [])


def _words(p: Properties, layer: Layer) -> Properties:
    ward = f", {p['ward_name']} ward" if p.get("ward_name") else ""
    streets = plan_streets(p)
    where = (f", {streets}" if streets else "") + (f", grid reference {p['grid_ref']}" if p.get("grid_ref") else "")
    return {
        "rank_text": f"number {p['rank']} of {len(layer['features'])}, as on the printed plan",
        "expected_text": f"{p['expected_per_month']:.1f} incidents",
        "streets": places_words(p.get("places")),
        "detail": f"cell {p.get('h3', '')}",
        "label": f"Patrol plan cell {p['rank']} of {len(layer['features'])}{ward}{where}: "
        f"{p['expected_per_month']:.1f} incidents expected a month, {p.get('trend', 'steady')}",
    }


def _legend(layer: Layer) -> dict[str, Any]:
    return {"colour": COLOUR, "fill": FILL, "cells": len(layer["features"]), "fitted": layer["forecast"]["fitted"]}


def _pack_section(view: View, options: PackOptions) -> dict[str, Any]:
    v = view
    return patrol_section(v.con, v.filters, v.area, options.res, options.cells, v.caches, v.postcodes)


def _table(layer: dict[str, Any]) -> Table:
    """The patrol plan's cells, numbered as printed, with their streets and grid references."""
    features = layer["features"]
    rows = []
    for ft, ref in zip(features, grid_refs(features), strict=True):
        p = ft["properties"]
        cells = [
            number_cell(p["rank"]),
            text_cell(p.get("ward_name")),
            text_cell(plan_streets(p) or "–"),
            text_cell(p.get("grid_ref") or ref),
            number_cell(p.get("expected_per_month"), 1),
            number_cell(p.get("period_count")),
            text_cell(p.get("trend")),
        ]
        rows.append(Row(cells, cell=cell_id(ft)))
    columns = [
        Column("Number", True, "ascending"),
        Column("Ward"),
        Column("Streets and places"),
        Column("Grid reference"),
        Column("Expected a month", True),
        Column("Incidents over the period", True),
        Column("Trend"),
    ]
    return Table(KEY, "Patrol plan: the cells, numbered as printed", columns, rows)


PLAN = Statistic(
    key=KEY,
    title="Patrol plan",
    parameters=(
        Parameter("res", int, RES, "H3 resolution, 8 to 10", ge=8, le=10),
        Parameter("budget_km2", float, None, "Area to patrol, km2", gt=0, le=5000, optional=True),
        Parameter("cells", int, None, f"Number of cells to patrol (default {CELLS})", ge=1, le=500, optional=True),
    ),
    compute=_compute,
    on_map=lambda res: {},
    check=_one_budget,
    drawing=Drawing(
        name=lambda layer: f"Patrol plan: top {len(layer['features'])} cells, numbered as printed",
        style=lambda ft: {
            "fillColor": FILL,
            "color": COLOUR,
            "weight": 2.5,
            "fillOpacity": 0.25,
            "className": "aim-plan",
        },
        tooltip=(
            ("rank_text", "Patrol plan"),
            ("ward_name", "Ward"),
            ("streets", "Streets"),
            ("expected_text", "Expected a month"),
            ("trend", "Trend"),
            ("reason", "Why"),
            ("detail", "Cell"),
        ),
        words=_words,
        table=_table,
        legend=Legend("statistics/plan_legend.html", _legend),
        numbered=True,
    ),
    route="/api/v1/patrol-plan",
    collection=OgcCollection(
        "patrol-plan",
        "Patrol plan",
        "The cells to patrol in a study area (`force`, `csp` or `lad`) for an area budget (`budget_km2`) or a "
        "number of cells (`cells`, default 20), in rank order; the same features as "
        "/api/v1/patrol-plan?format=geojson. Feature id: the H3 cell.",
        "patrol_items",
        "The patrol plan's cells in rank order (as /api/v1/patrol-plan?format=geojson), a page at a time.",
        "patrol_item",
        "One cell of the patrol plan by id.",
    ),
    pack=PackSection("patrol", "patrol_cells", _pack_section, lambda section: len(section["plan"]["cells"]), 1),
)
