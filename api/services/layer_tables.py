"""Layers as tables, for the map's table view (templates/map_tables.html): the cells of a table with the text shown
and the value it sorts by, so that a page can sort every column; the ward and hexagon layers' tables here, each
statistic's own with the statistic (its Drawing.table)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from geo.grid import grid_references
from geo.lattice import cell_centres

HEX_ROWS = 250  # the busiest hexagons listed (every cell is in the view's downloads)
NOT_PUBLISHED = "not published"


@dataclass(frozen=True)
class Column:
    """A table's column: its heading, whether it sorts as numbers, and the order the table is first sorted by it."""

    label: str
    numeric: bool = False
    sorted: str = ""  # "ascending" or "descending": the table's first order is by this column


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and the value it sorts by ("" sorts last)."""

    text: str
    value: str = ""


@dataclass(frozen=True)
class Row:
    """A row: its cells, and what its first cell shows on the map (a ward's code or an H3 cell)."""

    cells: list[Cell]
    ward: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Table:
    """One layer as a table."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[Row]
    note: str = ""


def number_cell(value: float | int | None, digits: int = 0, signed: bool = False) -> Cell:
    """A figure as a cell: with thousands separators and `digits` decimals, signed if asked; None: not published."""
    if value is None:
        return Cell(NOT_PUBLISHED)
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return Cell(text.replace("-", "−"), repr(float(value)))


def text_cell(value: Any) -> Cell:
    """A text as a cell, sorted without regard to case."""
    text = "" if value is None else str(value)
    return Cell(text, text.casefold())


def cell_id(ft: dict[str, Any]) -> str:
    """An H3 cell feature's cell, as text."""
    return str(ft.get("id") or ft["properties"].get("h3") or "")


def grid_refs(features: list[dict[str, Any]]) -> list[str]:
    """The 6-figure grid reference of each cell feature's centre ("" off the grid)."""
    cells = np.array([int(cell_id(ft), 16) for ft in features], dtype=np.uint64)
    lon, lat = cell_centres(cells)
    return [ref or "" for ref in grid_references(lon, lat, 6)] if len(cells) else []


def ward_table(wards: dict[str, Any]) -> Table:
    """Every ward of the ward layer: its incidents, the previous period's and the change."""
    held = wards.get("previous_period", {}).get("held", True)
    rows = []
    for ft in wards["features"]:
        p = ft["properties"]
        previous = number_cell(p.get("previous_count")) if held else Cell("not held")
        change = number_cell(p.get("change"), signed=True) if held else Cell("not comparable")
        cells = [text_cell(p["name"]), text_cell(p.get("lad_name")), number_cell(p.get("count")), previous, change]
        rows.append(Row(cells, ward=str(p["code"])))
    columns = [
        Column("Ward"),
        Column("Authority"),
        Column("Incidents", True, "descending"),
        Column("Previous period", True),
        Column("Change", True),
    ]
    return Table("wards", "Wards: incidents and the change on the previous period", columns, rows)


def hex_table(hexes: dict[str, Any], res: int, fine: bool) -> Table:
    """The busiest hexagons of the combined hexagon layer (HEX_ROWS at most), found by their centre's grid
    reference (and, for analysts, the cell's id)."""
    features = sorted(hexes["features"], key=lambda ft: -(ft["properties"].get("count") or 0))[:HEX_ROWS]
    refs = grid_refs(features)
    rows = [
        Row(
            [text_cell(ref), number_cell(ft["properties"].get("count")), *([text_cell(cell_id(ft))] if fine else [])],
            cell=cell_id(ft),
        )
        for ft, ref in zip(features, refs, strict=True)
    ]
    columns = [Column("Centre (grid reference)"), Column("Incidents", True, "descending")]
    columns += [Column("Cell (H3)")] if fine else []
    total = len(hexes["features"])
    busiest = f"The {len(rows):,} busiest of {total:,} hexagons (every one is in the downloads)."
    note = busiest if total > HEX_ROWS else ""
    return Table("hexes", f"Hexagons (H3 res {res}): incidents with a point", columns, rows, note)


def in_first_order(table: Table) -> Table:
    """The table with its rows in the order its columns say it is first sorted by (the page sorts it as it would),
    cells with no value last."""
    column = next((i for i, c in enumerate(table.columns) if c.sorted), None)
    if column is None:
        return table
    numeric, descending = table.columns[column].numeric, table.columns[column].sorted == "descending"
    valued = [r for r in table.rows if r.cells[column].value]
    empty = [r for r in table.rows if not r.cells[column].value]

    def key(row: Row) -> float | str:
        value = row.cells[column].value
        return float(value) if numeric else value

    return replace(table, rows=[*sorted(valued, key=key, reverse=descending), *empty])
