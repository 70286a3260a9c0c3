"""The location texts of the cells a patrol plan is likely to pick, read on a cursor of their own while the forecast
is fitted (the read scans the period: beside the fit, it adds little to the plan's time)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from api.services.cell_places import cell_places
from api.services.filters import Filters
from ingest.store.connection import Connection

MAX_CELLS = 1000  # more likely cells than this are not read ahead (the plan reads its own cells after the fit)
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aim-places-ahead")

Places = dict[int, list[dict[str, Any]]]


@dataclass(frozen=True)
class PlacesAhead:
    """Location texts being read for some cells (H3 integers)."""

    cells: frozenset[int]
    future: Future[Places] | None

    def places(self, con: Connection, filters: Filters, res: int, wanted: list[int]) -> Places:
        """The texts of the wanted cells, as cell_places gives them: those read ahead, the others read now."""
        found = dict(self.future.result()) if self.future is not None else {}
        missing = [c for c in wanted if c not in self.cells]
        if missing:
            found.update(cell_places(con, filters, res, missing))
        return {c: found[c] for c in wanted if c in found}


def read_ahead(con: Connection, filters: Filters, res: int, cells: list[int]) -> PlacesAhead:
    """Start reading the location texts of these cells in the background (none when there are too many)."""
    if not cells or len(cells) > MAX_CELLS:
        return PlacesAhead(frozenset(), None)
    cursor = con.cursor()  # a connection of its own: the caller's stays free for its thread

    def read() -> Places:
        try:
            return cell_places(cursor, filters, res, cells)
        finally:
            cursor.close()

    return PlacesAhead(frozenset(cells), _POOL.submit(read))
