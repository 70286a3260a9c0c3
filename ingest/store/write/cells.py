"""Each point's cell at every served resolution: which stored points lack them, and filling them in."""

from __future__ import annotations

import pyarrow as pa

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection, arrow
from ingest.store.write.counts import refresh_counts

CELLS = [f"cell_{r}" for r in SERVED_RES]


def points_missing_cells(con: Connection) -> pa.Table:
    """Distinct (lon, lat) of incidents that have a point but no stored cells (stores written before migration 7)."""
    return arrow(
        con,
        f"SELECT DISTINCT lon, lat FROM incidents WHERE h3_cell IS NOT NULL AND {CELLS[-1]} IS NULL",  # noqa: S608
    )


def save_point_cells(con: Connection, points: pa.Table) -> None:
    """Store the cells of points (columns lon, lat, cell_6 .. cell_10) on their incidents and rebuild the counts,
    in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_point_cells", points.select(["lon", "lat", *CELLS]))
        assigned = ", ".join(f"{c} = p.{c}" for c in CELLS)
        con.execute(
            f"""UPDATE incidents SET {assigned} FROM _point_cells p
                WHERE incidents.lon = p.lon AND incidents.lat = p.lat AND incidents.h3_cell IS NOT NULL"""  # noqa: S608
        )
        refresh_counts(con, "SELECT DISTINCT partition_key FROM incidents")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_point_cells")
