"""Reference look-ups: boundary sets and their wards, force areas and community safety partnerships."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

from ingest.errors import UnknownBoundarySetError
from ingest.store.connection import Connection, arrow
from ingest.store.memo import per_version


@per_version
def boundary_set_names(con: Connection) -> list[str]:
    """Names of the loaded boundary sets, the default first."""
    return [r[0] for r in con.execute("SELECT name FROM boundary_sets ORDER BY is_default DESC, name").fetchall()]


def list_boundary_sets(con: Connection) -> list[dict[str, object]]:
    """Every loaded boundary set with its metadata."""
    cur = con.execute(
        "SELECT name, description, source_file, is_default, features, loaded_at FROM boundary_sets "
        "ORDER BY is_default DESC, name"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def resolve_boundary_set(con: Connection, name: str | None) -> str:
    """The named boundary set, or the default one when name is None."""
    names = boundary_set_names(con)
    if name is None:
        if not names:
            raise UnknownBoundarySetError("(default)", names)
        return names[0]
    if name not in names:
        raise UnknownBoundarySetError(name, names)
    return name


def ward_geometries(con: Connection, boundary_set: str) -> pa.Table:
    """Wards of a boundary set: code, name, lad_code, lad_name, geometry (GeoJSON text)."""
    return arrow(
        con,
        "SELECT code, name, lad_code, lad_name, geometry FROM wards WHERE boundary_set = ? ORDER BY code",
        [boundary_set],
    )


def ward_names(con: Connection) -> pa.Table:
    """Every stored ward with its name and LAD name, default set first (boundary_set, code, name, lad_name)."""
    return arrow(
        con,
        """SELECT w.boundary_set, w.code, w.name, w.lad_name
           FROM wards w JOIN boundary_sets b ON b.name = w.boundary_set
           ORDER BY b.is_default DESC, b.name, w.code""",
    )


def ward_set_fingerprint(con: Connection, boundary_set: str) -> int:
    """A number that changes whenever a boundary set's codes or geometries do (a hash over them, in the store)."""
    rows = con.execute(
        "SELECT count(*), coalesce(sum(hash(code, geometry)::HUGEINT) % 9223372036854775783, 0)::BIGINT "
        "FROM wards WHERE boundary_set = ?",
        [boundary_set],
    ).fetchall()
    return hash(rows[0]) if rows else 0


def ward_shapes(con: Connection, codes: list[str]) -> pa.Table:
    """The given wards' geometry and LAD, each from the default boundary set where it holds the code."""
    con.register("_codes", pa.table({"code": pa.array(codes, pa.string())}))
    try:
        return arrow(
            con,
            """SELECT w.code, w.lad_code, w.geometry FROM wards w JOIN boundary_sets b ON b.name = w.boundary_set
               SEMI JOIN _codes c ON c.code = w.code
               QUALIFY row_number() OVER (PARTITION BY w.code ORDER BY b.is_default DESC, b.name) = 1""",
        )
    finally:
        con.unregister("_codes")


@dataclass(frozen=True)
class NamedArea:
    """A force area or CSP: code, name, police.uk-style slug and its LAD codes."""

    code: str
    name: str
    slug: str
    lads: tuple[str, ...]


def slug(name: str) -> str:
    """The police.uk style name of a force: 'Devon & Cornwall' -> 'devon-and-cornwall'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", " and ")).strip("-")


def forces(con: Connection) -> list[NamedArea]:
    """Every police force area: code, name, slug and its LAD codes."""
    rows = con.execute(
        """SELECT pfa_code, any_value(pfa_name), list(DISTINCT lad_code ORDER BY lad_code)
           FROM lad_areas GROUP BY 1 ORDER BY 2"""
    ).fetchall()
    return [NamedArea(c, n, slug(n), tuple(lads)) for c, n, lads in rows]


def resolve_force(con: Connection, force: str) -> NamedArea | None:
    """A force by PFA code, name or slug (case-insensitive), or None."""
    wanted = force.strip().lower()
    for f in forces(con):
        if wanted in {f.code.lower(), f.name.lower(), f.slug}:
            return f
    return None


def resolve_csp(con: Connection, csp: str) -> NamedArea | None:
    """A community safety partnership by code or name (case-insensitive), or None."""
    rows = con.execute(
        """SELECT csp_code, any_value(csp_name), list(DISTINCT lad_code ORDER BY lad_code) FROM lad_areas
           WHERE lower(csp_code) = lower(?) OR lower(csp_name) = lower(?) GROUP BY 1""",
        [csp.strip(), csp.strip()],
    ).fetchall()
    return NamedArea(rows[0][0], rows[0][1], slug(rows[0][1]), tuple(rows[0][2])) if rows else None
