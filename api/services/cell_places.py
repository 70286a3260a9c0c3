"""Where a patrol finds a cell on the ground: its commonest streets and places, a grid reference, the nearest
postcode."""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from api.services.filters import Filters
from geo.grid import grid_references
from ingest.geocode import PostcodeIndex
from ingest.places import postcode_index
from ingest.schema import SERVED_RES
from ingest.store import read
from ingest.store.connection import Connection

ON_OR_NEAR = re.compile(r"^on or near\s+", re.IGNORECASE)
_TREES: dict[int, tuple[weakref.ref[PostcodeIndex], cKDTree]] = {}  # by live index: an entry goes with its index


def postcode_lookup(paths: list[Path]) -> PostcodeIndex:
    """The postcode centroids of the Code-Point Open files or folders settings name (read once while unchanged)."""
    return postcode_index(tuple(paths))


def _tree(index: PostcodeIndex) -> cKDTree:
    """A k-d tree of the postcode centroids on a local flat projection (kept while its index lives)."""
    key = id(index)
    held = _TREES.get(key)
    if held is not None and held[0]() is index:
        return held[1]
    lat0 = float(np.mean(index.lat)) if len(index) else 54.0
    tree = cKDTree(np.column_stack([index.lon * np.cos(np.radians(lat0)), index.lat]))
    _TREES[key] = (weakref.ref(index, lambda _: _TREES.pop(key, None)), tree)
    return tree


def nearest_postcodes(index: PostcodeIndex, lon: np.ndarray, lat: np.ndarray) -> list[tuple[str, int] | None]:
    """The nearest postcode unit centroid to each point and its distance in metres (None with no postcodes held
    or none within 2 km)."""
    if not len(index) or not len(lon):
        return [None] * len(lon)
    lat0 = float(np.mean(index.lat))
    distance, nearest = _tree(index).query(np.column_stack([lon * np.cos(np.radians(lat0)), lat]))
    names = {i: code for code, i in index.postcodes.items()}
    out: list[tuple[str, int] | None] = []
    for d, i in zip(distance, nearest, strict=True):
        metres = float(d) * 111_195
        code = names.get(int(i))
        out.append(None if code is None or metres > 2000 else (f"{code[:-3]} {code[-3:]}", round(metres)))
    return out


def describe_cells(
    con: Connection,
    filters: Filters,
    res: int,
    cells: list[str],
    lon: np.ndarray,
    lat: np.ndarray,
    index: PostcodeIndex,
) -> list[dict[str, Any]]:
    """For each cell (H3 text, with its centre lon/lat): its three commonest location texts in the filters' period
    ("On or near" dropped), its 8-figure grid reference and the nearest postcode."""
    grid = grid_references(lon, lat, 8)
    postcodes = nearest_postcodes(index, lon, lat)
    return [
        {
            "places": named,
            "grid_ref": g,
            "nearest_postcode": None if p is None else {"postcode": p[0], "distance_m": p[1]},
        }
        for named, g, p in zip(cell_places(con, filters, res, cells), grid, postcodes, strict=True)
    ]


def cell_places(con: Connection, filters: Filters, res: int, cells: list[str]) -> list[list[dict[str, Any]]]:
    """For each cell (H3 text): its three commonest location texts in the filters' period, sources and area,
    commonest first, as {"place", "count"} ("On or near" dropped)."""
    ids = [int(c, 16) for c in cells]
    found: dict[int, list[dict[str, Any]]] = {}
    for row in read.cell_place_texts(con, filters.incident, res, ids).to_pylist():
        found.setdefault(int(row["cell"]), []).append({"place": ON_OR_NEAR.sub("", row["place"]), "count": row["n"]})
    return [found.get(i, []) for i in ids]


NO_PLACES = "none named in its records"


def places_words(places: list[dict[str, Any]] | None) -> str:
    """A cell's streets and places as one line of text, commonest first (or that its records name none)."""
    return ", ".join(p["place"] for p in places or []) or NO_PLACES


def with_places(con: Connection, filters: Filters, layer: dict[str, Any]) -> dict[str, Any]:
    """A layer of H3 cells at its `resolution` (each feature's cell as `h3`) with each cell's commonest streets and
    places (`places`, as cell_places gives them) added to its properties where they are not there already; a layer
    of places finer than the served cells (repeat places) is left as it is: each feature is its place."""
    features = layer["features"]
    if not features or layer.get("resolution") not in SERVED_RES:
        return layer
    found = cell_places(con, filters, int(layer["resolution"]), [str(ft["properties"]["h3"]) for ft in features])
    return {
        **layer,
        "features": [
            ft if "places" in ft["properties"] else {**ft, "properties": {**ft["properties"], "places": named}}
            for ft, named in zip(features, found, strict=True)
        ],
    }
