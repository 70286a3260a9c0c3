"""Places named by code or by name: LADs ("E06000002" or "Middlesbrough") and wards ("E05001514", "Park", or
"Park, Middlesbrough" when a name is shared)."""

from __future__ import annotations

from dataclasses import dataclass

from api.services.errors import ParameterError
from ingest.store import read
from ingest.store.connection import Connection


@dataclass(frozen=True)
class Ward:
    """A ward found by code or name."""

    code: str
    name: str
    lad_code: str | None
    lad_name: str | None


def resolve_lad(con: Connection, text: str, parameter: str = "lad") -> tuple[str, str]:
    """(code, name) of the one LAD whose code or name is text."""
    found = read.find_lads(con, text)
    if not found:
        raise ParameterError(parameter, f"no local authority district with the code or name {text!r}")
    if len(found) > 1:
        raise ParameterError(parameter, f"{text!r} names {len(found)} districts: give a code ({_codes(found)})")
    return found[0]


def resolve_ward(con: Connection, boundary_set: str, text: str, parameter: str = "ward") -> Ward:
    """The one ward of a boundary set whose code, name or "name, LAD name" is text."""
    found = [Ward(*row) for row in read.find_wards(con, boundary_set, text)]
    if not found:
        raise ParameterError(parameter, f"no ward {text!r} in boundary set {boundary_set!r} (give a code or a name)")
    if len(found) > 1:
        choices = "; ".join(f"{w.name}, {w.lad_name} ({w.code})" for w in found[:10])
        raise ParameterError(
            parameter, f"{text!r} names {len(found)} wards: give a code or 'name, district': {choices}"
        )
    return found[0]


def _codes(found: list[tuple[str, str]]) -> str:
    return ", ".join(f"{code} {name}" for code, name in found[:10])
