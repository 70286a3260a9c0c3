"""Read delivery: dosage per cell over a period, and per day, for the cells asked about or every cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from ingest.store.connection import Connection, arrow


@dataclass(frozen=True)
class DeliveryPeriod:
    """The dosage wanted: a resolution, the days (inclusive) and the agencies (none: every agency)."""

    res: int
    start: date
    end: date
    agencies: tuple[str, ...] = ()


def _where(period: DeliveryPeriod) -> tuple[str, list[object]]:
    clause = "res = ? AND day BETWEEN ? AND ?"
    params: list[object] = [period.res, period.start, period.end]
    if period.agencies:
        clause += f" AND agency IN ({', '.join('?' for _ in period.agencies)})"
        params += list(period.agencies)
    return clause, params


def cell_dosage(con: Connection, period: DeliveryPeriod) -> pa.Table:
    """Per cell over the period: minutes, drive-by minutes, visits, compliant visits and days with presence."""
    where, params = _where(period)
    return arrow(
        con,
        f"""SELECT cell, sum(minutes) AS minutes, sum(driveby_minutes) AS driveby_minutes,
                   sum(visits)::BIGINT AS visits, sum(compliant_visits)::BIGINT AS compliant_visits,
                   count(DISTINCT day) FILTER (WHERE minutes > 0) AS days_present
            FROM delivery_cells WHERE {where} GROUP BY cell ORDER BY cell""",  # noqa: S608 (fixed fragments)
        params,
    )


def monthly_cell_dosage(con: Connection, period: DeliveryPeriod) -> pa.Table:
    """Per cell and month over the period: minutes, visits and compliant visits (for monthly ward totals)."""
    where, params = _where(period)
    return arrow(
        con,
        f"""SELECT cell, date_trunc('month', day)::DATE AS month, sum(minutes) AS minutes,
                   sum(visits)::BIGINT AS visits, sum(compliant_visits)::BIGINT AS compliant_visits
            FROM delivery_cells WHERE {where} GROUP BY ALL ORDER BY month, cell""",  # noqa: S608 (fixed fragments)
        params,
    )


def delivery_days(con: Connection, res: int, agencies: tuple[str, ...] = ()) -> tuple[date, date] | None:
    """The first and last day any delivery is held for (at a resolution, of the agencies), or None."""
    clause = "res = ?" + (f" AND agency IN ({', '.join('?' for _ in agencies)})" if agencies else "")
    rows = con.execute(
        f"SELECT min(day), max(day) FROM delivery_cells WHERE {clause}",  # noqa: S608 (fixed fragments)
        [res, *agencies],
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows and rows[0][0] is not None else None


def held_day_count(con: Connection, period: DeliveryPeriod) -> int:
    """How many days of the period any delivery is held for (any cell; of the agencies asked for)."""
    where, params = _where(period)
    rows = con.execute(
        f"SELECT count(DISTINCT day) FROM delivery_cells WHERE {where}",  # noqa: S608 (fixed fragments)
        params,
    ).fetchall()
    return int(rows[0][0]) if rows else 0
