"""What a read query counts: the incident filter and the SQL clauses built from it (values always parameters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.schema import SERVED_RES


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a query counts; every value reaches SQL as a parameter."""

    start: date
    end: date  # inclusive: first day of the last month
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    lad: str | None = None
    dedupe: bool = True  # count a group of records linked across sources once
    lads: tuple[str, ...] = ()  # any of these districts (a study area's); () for no such limit

    @property
    def n(self) -> str:
        """The incident_counts column to sum: de-duplicated or raw."""
        return "n_unique" if self.dedupe else "n"


def clauses(f: IncidentFilter, start: date | None = None, alias: str = "i") -> tuple[str, list[object]]:
    """The filter's clauses over rows aliased `alias` (months from `start` when given) and their parameters."""
    clauses = [f"{alias}.month BETWEEN ? AND ?"]
    params: list[object] = [start or f.start, f.end]
    if f.categories:
        clauses.append(f"{alias}.category IN ({', '.join('?' for _ in f.categories)})")
        params.extend(f.categories)
    if f.sources:
        clauses.append(f"{alias}.source IN ({', '.join('?' for _ in f.sources)})")
        params.extend(f.sources)
    if f.lad:
        clauses.append(f"{alias}.lad_code = ?")
        params.append(f.lad)
    if f.lads:
        clauses.append(f"{alias}.lad_code IN ({', '.join('?' for _ in f.lads)})")
        params.extend(f.lads)
    return " AND ".join(clauses), params


def clauses_with_bbox(f: IncidentFilter, bbox: tuple[float, float, float, float] | None) -> tuple[str, list[object]]:
    """The filter's clauses, plus the incident's point inside bbox (minlon, minlat, maxlon, maxlat) when given."""
    where, params = clauses(f)
    if bbox:
        where += " AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?"
        params += [bbox[0], bbox[2], bbox[1], bbox[3]]
    return where, params


def cell_column(res: int, alias: str = "i") -> str:
    """The stored column holding each point's H3 cell at res (computed from its coordinates, never a parent)."""
    if res not in SERVED_RES:
        raise ValueError(f"cells are stored at resolutions {SERVED_RES[0]} to {SERVED_RES[-1]}, not {res}")
    return f"{alias}.cell_{int(res)}"


KEY_MODULUS = 1_048_573  # a prime: cell keys are sums of record keys modulo this


def key_sum(f: IncidentFilter, within: str = "TRUE") -> str:
    """SQL for the cell key of the records counted (rows matching `within`): record keys summed modulo a prime."""
    return f"(coalesce(sum(i.{f.n}::HUGEINT * i.record_key) FILTER (WHERE {within}), 0) % {KEY_MODULUS})::BIGINT"


def precision_sums(f: IncidentFilter, precisions: tuple[str, ...], within: str = "TRUE") -> tuple[str, list[object]]:
    """Extra select columns `located_<i>`: the count at each location precision (rows matching `within`)."""
    columns = "".join(
        f", coalesce(sum(i.{f.n}) FILTER (WHERE ({within}) AND i.location_precision = ?), 0)::BIGINT AS located_{k}"
        for k in range(len(precisions))
    )
    return columns, list(precisions)


def scoped(
    where: str, params: list[object], ward: tuple[str, str] | None, cell: tuple[int, int] | None
) -> tuple[str, list[object], str, list[object]]:
    """Clauses and a join restricting rows to one ward (boundary set, code) or one H3 cell (res, cell)."""
    if cell:
        where += f" AND {cell_column(cell[0])} = ?"
        params = [*params, cell[1]]
    if not ward:
        return where, params, "", []
    join = "JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ? AND pw.ward_code = ?"
    return where, params, join, [ward[0], ward[1]]


def dated_clauses(
    f: IncidentFilter, weeks: tuple[date, date], bbox: tuple[float, float, float, float] | None = None
) -> tuple[str, list[object], str]:
    """Clauses over `incidents` for rows dated inside weeks = (first Monday, the Monday after the last week), and the
    count expression (de-duplicated or raw). The filter's months must cover the weeks."""
    where, params = clauses_with_bbox(f, bbox)
    where += " AND i.occurred_at >= ? AND i.occurred_at < ?"
    count = "count(*) FILTER (WHERE i.duplicate_of IS NULL)" if f.dedupe else "count(*)"
    return where, [*params, weeks[0], weeks[1]], count
