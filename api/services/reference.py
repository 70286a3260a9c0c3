"""Ward polygons of a boundary set, parsed once and kept while serving (uploads add incidents, not boundaries)."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from threading import Lock
from typing import Any

import shapely
import shapely.geometry

from ingest.store import read
from ingest.store.connection import Connection


@dataclass(frozen=True)
class Ward:
    """A ward as drawn: code, name, LAD and GeoJSON geometry."""

    code: str
    name: str
    lad_code: str | None
    lad_name: str | None
    geometry: dict[str, Any]


class WardCache:
    """Ward polygons per boundary set, parsed once."""

    def __init__(self, freeze: bool = False) -> None:
        self._freeze = freeze
        self._sets: dict[str, list[Ward]] = {}
        self._shapes: dict[str, dict[str, shapely.Geometry]] = {}
        self._names: dict[str, dict[str, str]] = {}
        self._lock = Lock()

    def shape(self, boundary_set: str, code: str) -> shapely.Geometry:
        """A ward's polygon as a shapely geometry (after `get` has loaded its set)."""
        with self._lock:
            shapes = self._shapes.setdefault(boundary_set, {})
            if code not in shapes:
                ward = next(w for w in self._sets[boundary_set] if w.code == code)
                shapes[code] = shapely.geometry.shape(ward.geometry)
            return shapes[code]

    def get(self, con: Connection, boundary_set: str) -> list[Ward]:
        """The wards of a boundary set."""
        with self._lock:
            if boundary_set not in self._sets:
                t = read.ward_geometries(con, boundary_set).to_pylist()
                self._sets[boundary_set] = [
                    Ward(r["code"], r["name"], r["lad_code"], r["lad_name"], json.loads(r["geometry"])) for r in t
                ]
                # millions of coordinate objects that live as long as the app: keep them out of every later
                # garbage collection, whose full passes would otherwise stall requests for a quarter second
                if self._freeze:
                    gc.collect()
                    gc.freeze()
            return self._sets[boundary_set]

    def names(self, con: Connection, boundary_set: str) -> dict[str, str]:
        """Ward code -> name in a boundary set (built once per set; a copy, so a caller may change it)."""
        return dict(self._name_index(con, boundary_set))

    def name_of(self, con: Connection, boundary_set: str, code: str) -> str | None:
        """A ward's name in a boundary set, None for a code not in it."""
        return self._name_index(con, boundary_set).get(code)

    def _name_index(self, con: Connection, boundary_set: str) -> dict[str, str]:
        wards = self.get(con, boundary_set)
        with self._lock:
            index = self._names.get(boundary_set)
            if index is None:
                index = self._names[boundary_set] = {w.code: w.name for w in wards}
            return index

    def shapes(self, con: Connection, boundary_set: str) -> dict[str, shapely.Geometry]:
        """Every ward's polygon in a boundary set as a shapely geometry, by code (each parsed once)."""
        wards = self.get(con, boundary_set)
        with self._lock:
            shapes = self._shapes.setdefault(boundary_set, {})
            for ward in wards:
                if ward.code not in shapes:
                    shapes[ward.code] = shapely.geometry.shape(ward.geometry)
            return dict(shapes)

    def bounds(self, con: Connection, boundary_set: str) -> tuple[float, float, float, float] | None:
        """The box (minlon, minlat, maxlon, maxlat) around every ward of a boundary set, None when it has none."""
        shapes = list(self.shapes(con, boundary_set).values())
        if not shapes:
            return None
        minx, miny, maxx, maxy = shapely.total_bounds(shapes)
        return float(minx), float(miny), float(maxx), float(maxy)
