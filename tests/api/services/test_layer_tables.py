"""Layers as tables: figures as text with the values they sort by, wards with their change (or why there is none),
and rows first in the order the table says it is sorted by, cells with no value last."""

from __future__ import annotations

from typing import Any

from api.services.layer_tables import Cell, Column, Row, Table, in_first_order, number_cell, ward_table


def _ward(code: str, name: str, count: int | None, previous: int | None, change: int | None) -> dict[str, Any]:
    props = {"code": code, "name": name, "lad_name": "Middlesbrough", "count": count}
    return {"properties": props | {"previous_count": previous, "change": change}}


def test_figures_are_text_with_a_value_to_sort_by() -> None:
    assert number_cell(1234) == Cell("1,234", "1234.0")
    assert number_cell(-12, signed=True) == Cell("−12", "-12.0")
    assert number_cell(9.93, 1) == Cell("9.9", "9.93")
    assert number_cell(None) == Cell("not published", "")


def test_wards_with_their_change_busiest_first() -> None:
    layer = {
        "previous_period": {"held": True},
        "features": [
            _ward("E1", "Acklam", 233, 245, -12),
            _ward("E2", "Ayresome", None, None, None),
            _ward("E3", "Brambles", 310, 300, 10),
        ],
    }
    table = in_first_order(ward_table(layer))
    assert [r.ward for r in table.rows] == ["E3", "E1", "E2"]  # by incidents, descending; not published last
    assert [c.text for c in table.rows[1].cells] == ["Acklam", "Middlesbrough", "233", "245", "−12"]
    assert [c.text for c in table.rows[2].cells][2:] == ["not published"] * 3
    unheld = ward_table({**layer, "previous_period": {"held": False}})
    assert [c.text for c in unheld.rows[0].cells][3:] == ["not held", "not comparable"]


def test_a_table_sorted_ascending_by_text_keeps_empty_cells_last() -> None:
    rows = [Row([Cell("b", "b")]), Row([Cell("–")]), Row([Cell("a", "a")])]
    table = Table("t", "T", [Column("Name", sorted="ascending")], rows)
    assert [r.cells[0].text for r in in_first_order(table).rows] == ["a", "b", "–"]
    unsorted = Table("t", "T", [Column("Name")], rows)
    assert in_first_order(unsorted) == unsorted
