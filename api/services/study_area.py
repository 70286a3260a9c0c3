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
from ingest.store.read.cell_rows import cell_month_rows
from ingest.store.read.reference import slug

AREA_KINDS = ("force", "csp", "lad")
AreaGroups = list[tuple[str, list[tuple[str, str]]]]  # (group label, [(value "kind:code", name)])
STUDY_AREA_CELLS = (
    "every H3 cell that touches one of its wards, plus any cell holding its incidents (where a generalised ward "
    "boundary leaves them outside); a cell belongs to the ward holding its centre, else the first ward it touches, "
    "else the nearest"
)  # what LatticeCache.get builds (geo.lattice.build_lattice), in words for method texts


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


def resolve_area_choice(con: Connection, choice: str) -> StudyArea:
    """A study area written as one value, "kind:code" (force:cleveland, csp:E22000xxx, lad:E06000002), as the map's
    area selector sends it."""
    kind, _, code = choice.partition(":")
    if kind not in AREA_KINDS or not code.strip():
        raise ParameterError("area", f"{choice!r} is not force:<code or name>, csp:<code or name> or lad:<...>")
    return resolve_study_area(con, *(code if kind == k else None for k in AREA_KINDS))


def partnerships(con: Connection) -> list[read.NamedArea]:
    """Every community safety partnership of the reference lookup: code, name, slug and its LAD codes."""
    rows = con.execute(
        """SELECT csp_code, any_value(csp_name), list(DISTINCT lad_code ORDER BY lad_code)
           FROM lad_areas GROUP BY 1 ORDER BY 2"""
    ).fetchall()
    return [read.NamedArea(c, n, slug(n), tuple(lads)) for c, n, lads in rows]


def drawable(lads: tuple[str, ...], held: set[str], mapped: set[str]) -> bool:
    """Whether statistics can be drawn for an area of these LADs: some hold incidents (`held`) and every one has
    wards in the boundary set drawn (`mapped`)."""
    return bool(held & set(lads)) and set(lads) <= mapped


def area_choices(
    con: Connection, held: set[str], mapped: set[str], lad_names: dict[str, str]
) -> tuple[AreaGroups, list[read.NamedArea]]:
    """The study areas a map can draw statistics for, by name: forces, community safety partnerships and local
    authorities that hold incidents and whose every LAD has wards in the boundary set drawn; and the forces among
    them (values "force:<slug>", "csp:<code>", "lad:<code>")."""

    forces = [f for f in read.forces(con) if drawable(f.lads, held, mapped)]
    csps = [c for c in partnerships(con) if drawable(c.lads, held, mapped)]
    lads = sorted(held & mapped, key=lambda code: (lad_names.get(code) or code).lower())
    groups: AreaGroups = [
        ("Police force areas", [(f"force:{f.slug}", f.name) for f in forces]),
        ("Community safety partnerships", [(f"csp:{c.code}", c.name) for c in csps]),
        ("Local authorities", [(f"lad:{code}", lad_names.get(code) or code) for code in lads]),
    ]
    return [(label, items) for label, items in groups if items], forces


def area_value(area: StudyArea, forces: list[read.NamedArea]) -> str:
    """The area selector's value for a study area ("" for every area)."""
    if area.kind == "force":
        return next((f"force:{f.slug}" for f in forces if f.code == area.code), f"force:{area.code}")
    return f"{area.kind}:{area.code}" if area.kind in AREA_KINDS and area.code else ""


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


def lattice_counts_with_context(
    con: Connection,
    f: read.IncidentFilter,
    context: tuple[str, ...],
    lattice: Lattice,
) -> tuple[np.ndarray, np.ndarray | None, list[date]]:
    """lattice_counts of f and of the `context` categories over f's period (None without any), read in one scan of
    the rows in the lattice's cells."""
    months = month_range(f.start, f.end)
    shape = (len(lattice), len(months))
    counts, other = np.zeros(shape), (np.zeros(shape) if context else None)
    if not len(lattice):
        return counts, other, months
    t = cell_month_rows(con, f, lattice.res, lattice.cells, context)
    if t.num_rows:
        flat = t["cell_index"].to_numpy() * len(months) + t["month_index"].to_numpy()
        n, own = t["count"].to_numpy(), t["own"].to_numpy(zero_copy_only=False)
        for out, rows in ((counts, own), (other, ~own)):
            if out is not None:
                out += np.bincount(flat[rows], weights=n[rows], minlength=out.size).reshape(shape)
    return counts, other, months
