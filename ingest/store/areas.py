"""Study areas: police force areas and community safety partnerships as sets of local authority districts."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

from ingest.store.connection import Connection, count


@dataclass(frozen=True)
class NamedArea:
    """A force area or CSP: code, name, police.uk-style slug and its LAD codes."""

    code: str
    name: str
    slug: str
    lads: tuple[str, ...]


def lad_areas_loaded(con: Connection) -> bool:
    """Whether the LAD -> CSP -> force lookup has been filled."""
    return count(con, "SELECT count(*) FROM lad_areas") > 0


def load_lad_areas(con: Connection, table: pa.Table) -> None:
    """Fill the lookup (columns lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name)."""
    con.register("_areas", table)
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM lad_areas")
    con.execute("INSERT INTO lad_areas SELECT lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name FROM _areas")
    con.execute("COMMIT")
    con.unregister("_areas")


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
