"""CSV cells that spreadsheets will not run: text from feeds is data, never a formula (OWASP CSV injection)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_rows(rows: Iterable[Sequence[object]]) -> list[list[object]]:
    """Every cell of every row made safe."""
    return [[safe_cell(v) for v in row] for row in rows]
