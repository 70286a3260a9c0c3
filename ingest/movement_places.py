"""What a patrol log without GPS may name a place by, besides a point: the cells of a named patrol plan by their
printed numbers, and streets by name, placed through the store's incidents (docs/delivery.md).

A street is placed only when the store's records name it in one local authority and within one cell and its
neighbours (about 350 m across at resolution 9): then at the centre of the cell holding most of its incidents.
A street named in several authorities, or running further than that, or not named at all, is refused with the
reason, for the log to give a cell or a grid reference instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import h3ronpy
import numpy as np
import pyarrow as pa
from h3ronpy import vector

from ingest.store.connection import Connection
from ingest.store.read.streets import street_cells, street_key

StreetLookup = Callable[[list[str]], dict[str, tuple[float, float] | str]]  # name -> (lon, lat), or why not


@dataclass(frozen=True)
class Plan:
    """A patrol plan's cells as printed: number 1 first."""

    cells: tuple[int, ...]  # H3 cells in rank order
    name: str  # how the plan was named (for refusals)


@dataclass(frozen=True)
class MovementPlaces:
    """What a movement file's rows may be placed against besides points: a plan's numbered cells, streets."""

    plan: Plan | None = None
    streets: StreetLookup | None = None


def cell_centres(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (lon, lat) of H3 cells' centres."""
    coords = pa.table(vector.cells_to_coordinates(pa.array(np.asarray(cells, dtype=np.uint64), pa.uint64())))
    return np.asarray(coords["lng"].to_numpy(), dtype=np.float64), np.asarray(coords["lat"].to_numpy(), np.float64)


def _street_place(name: str, rows: list[dict[str, object]]) -> tuple[float, float] | str:
    """Where a street is placed from the store's (lad_code, cell, n) rows naming it (commonest first), or why not."""
    instead = "give a cell or a grid reference instead"
    if not rows:
        return f"street {name!r} is not named in the store's records: {instead}"
    lads = {r["lad_code"] for r in rows}
    if len(lads) > 1:
        return f"street {name!r} is named in {len(lads)} local authorities: {instead}"
    cells = np.array(sorted({int(str(r["cell"])) for r in rows}), dtype=np.uint64)
    commonest = int(str(rows[0]["cell"]))
    disk = np.asarray(pa.array(h3ronpy.grid_disk(pa.array([commonest], pa.uint64()), 1))[0].as_py(), np.uint64)
    if not np.isin(cells, disk).all():
        return f"street {name!r} runs through {len(cells)} cells, too far apart to be one place: {instead}"
    lon, lat = cell_centres(np.array([commonest], dtype=np.uint64))
    return float(lon[0]), float(lat[0])


def store_streets(con: Connection, res: int) -> StreetLookup:
    """Streets placed through the store's incidents, at resolution `res` (the plan's cells)."""

    def lookup(names: list[str]) -> dict[str, tuple[float, float] | str]:
        keys = {name: street_key(name) for name in names}
        found: dict[str, list[dict[str, object]]] = {}
        for row in street_cells(con, sorted(set(keys.values()) - {""}), res).to_pylist():
            found.setdefault(str(row["name"]), []).append(row)
        return {name: _street_place(name.strip(), found.get(key, [])) for name, key in keys.items()}

    return lookup
