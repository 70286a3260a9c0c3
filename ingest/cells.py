"""Fill in the served cells of points stored before they were kept (a migrated store), from their coordinates."""

from __future__ import annotations

from ingest.enrich import with_cells
from ingest.store.connection import Connection
from ingest.store.write.cells import points_missing_cells, save_point_cells


def derive_point_cells(con: Connection) -> int:
    """Compute and store the cell at every served resolution of each point that lacks them; returns points done."""
    points = points_missing_cells(con)
    if points.num_rows:
        save_point_cells(con, with_cells(points["lon"].to_numpy(), points["lat"].to_numpy()))
    return points.num_rows
