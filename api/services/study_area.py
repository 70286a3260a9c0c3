"""The study area of a hotspot request (a force, a CSP, a LAD, or everything held) and its cached H3 lattice."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock

import numpy as np

from api.services.errors import ParameterError
from api.services.places import resolve_lad
from api.services.reference import WardCache
from geo.lattice import Lattice, build_lattice
from geo.trends import month_range
from ingest.store import read
from ingest.store.connection import Connection


@dataclass(frozen=True)
class StudyArea:
    """Where statistics are computed: a kind (force, csp, lad or all), its code and name, and its LADs."""

    kind: str
    code: str | None
    name: str
    lads: tuple[str, ...]

    def echo(self) -> dict[str, object]:
        """The area as reported in responses."""
        return {"type": self.kind, "code": self.code, "name": self.name}


def resolve_study_area(con: Connection, force: str | None, csp: str | None, lad: str | None) -> StudyArea:
    """Resolve force/csp/lad (at most one) into a study area; default: every LAD that holds incidents."""
    given = [(k, v) for k, v in (("force", force), ("csp", csp), ("lad", lad)) if v]
    if len(given) > 1:
        raise ParameterError(given[1][0], "give one of force, csp or lad")
    if force:
        found = read.resolve_force(con, force)
        if found is None:
            raise ParameterError("force", f"unknown police force area {force!r}")
        return StudyArea("force", found.code, found.name, found.lads)
    if csp:
        found = read.resolve_csp(con, csp)
        if found is None:
            raise ParameterError("csp", f"unknown community safety partnership {csp!r}")
        return StudyArea("csp", found.code, found.name, found.lads)
    if lad:
        code, name = resolve_lad(con, lad)
        return StudyArea("lad", code, name, (code,))
    return StudyArea("all", None, "every area with incidents", read.lads_with_incidents(con))


class LatticeCache:
    """H3 lattices of study areas per (boundary set, LADs, resolution); boundaries do not change while serving. The
    oldest go once there are more than `size`, or once the lattices and the matrices kept with them hold more than
    `max_entries` cells and matrix entries (about 12 bytes each)."""

    def __init__(self, size: int = 32, max_entries: int = 20_000_000) -> None:
        self._items: OrderedDict[tuple[str, tuple[str, ...], int, int], tuple[Lattice, tuple[float, ...] | None]] = (
            OrderedDict()
        )
        self._size = size
        self._max_entries = max_entries
        self._lock = Lock()

    def get(
        self, con: Connection, wards: WardCache, boundary_set: str, area: StudyArea, res: int
    ) -> tuple[Lattice, tuple[float, float, float, float] | None]:
        """The area's lattice at res (every cell touching its wards or holding its incidents) and a box covering it."""
        key = (boundary_set, area.lads, res, read.store_version(con))  # loads can add cells holding incidents
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        lads = set(area.lads)
        chosen = [w for w in wards.get(con, boundary_set) if w.lad_code in lads]
        geometries = [wards.shape(boundary_set, w.code) for w in chosen]
        lattice = build_lattice([w.code for w in chosen], geometries, res, read.area_cells(con, area.lads, res))
        bbox = lattice.bounds()
        with self._lock:
            self._items[key] = (lattice, bbox)
            while len(self._items) > 1 and (len(self._items) > self._size or self._entries() > self._max_entries):
                self._items.popitem(last=False)
        return lattice, bbox  # type: ignore[return-value]

    def _entries(self) -> int:
        return sum(len(lat) + sum(m.nnz for m in lat.derived.values()) for lat, _ in self._items.values())


def lattice_counts(
    con: Connection, f: read.IncidentFilter, lattice: Lattice, bbox: tuple[float, float, float, float] | None
) -> tuple[np.ndarray, list[date]]:
    """Counts per lattice cell and month over f's period (cells x months); incidents outside it are left out."""
    months = month_range(f.start, f.end)
    out = np.zeros((len(lattice), len(months)), dtype=np.float64)
    if not len(lattice) or bbox is None:
        return out, months
    t = read.cell_month_counts(con, f, lattice.res, bbox)
    if t.num_rows:
        idx = lattice.index_of(t["cell"].to_numpy().astype(np.uint64))
        month = t["month"].to_numpy().astype("datetime64[M]")
        cols = (month - np.datetime64(f"{months[0]:%Y-%m}", "M")).astype(np.int64)
        keep = (idx >= 0) & (cols >= 0) & (cols < len(months))
        np.add.at(out, (idx[keep], cols[keep]), t["count"].to_numpy()[keep])
    return out, months
