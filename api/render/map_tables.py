"""The map's layers as tables (templates/map_tables.html): the ward counts and their change, the busiest hexagons
and each statistic drawn that words itself as a table (the Gi* hot and cold spots, the emerging hotspots, the patrol
plan's cells with their streets), with the same figures as the layers' features; every column sortable on the page
(api/static/aim-map-keys.js)."""

from __future__ import annotations

from api.services.layer_tables import Table, hex_table, in_first_order, ward_table
from api.services.map_view import MapView
from api.services.statistics import registered


def layer_tables(view: MapView, fine: bool) -> list[Table]:
    """Every layer drawn, as a table: wards, the combined hexagons (cells' ids for analysts: `fine`), then each
    statistic drawn, in the registry's order; each in the order its sorted column gives."""
    tables = [ward_table(view.wards)]
    if view.hexes["features"]:
        tables.append(hex_table(view.hexes, view.res, fine))
    for statistic in registered():
        layer = (view.statistics or {}).get(statistic.key)
        if layer and layer["features"] and statistic.drawing.table is not None:
            tables.append(statistic.drawing.table(layer))
    return [in_first_order(table) for table in tables]
