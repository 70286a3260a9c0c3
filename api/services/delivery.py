"""Plan against delivery: for the patrol plan (the same cells as the printed plan), what the patrols delivered there
over a period, and the background presence in comparable cells outside it; and delivery as monthly ward totals,
all that is shown below analyst (docs/delivery.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.patrol import patrol_plan
from api.services.study_area import StudyArea
from geo.hexbin import cells_to_strings
from ingest.store.connection import Connection
from ingest.store.read.delivery import DeliveryPeriod, cell_dosage, delivery_days, monthly_cell_dosage

FORTNIGHT = 14
COMPARABLE = "the next-ranked cells of the same forecast, as many as the plan's, outside it"


@dataclass(frozen=True)
class DeliveryAsk:
    """What a plan-against-delivery question asks: the plan's cells, the days delivered, the agencies, the target."""

    cells: int
    res: int
    start: date | None = None  # None: the latest fortnight of delivery held
    end: date | None = None
    agencies: tuple[str, ...] = ()
    visits_per_day: float = 1.0  # the target: compliant visits per planned cell per day


def delivery_period(
    con: Connection, res: int, start: date | None, end: date | None, agencies: tuple[str, ...]
) -> DeliveryPeriod:
    """The days asked for; by default the latest fortnight of delivery held."""
    if start is None or end is None:
        held = delivery_days(con, res, agencies)
        if held is None:
            raise ParameterError("delivered_from", "no delivery is held: load patrol movement with `aim delivery load`")
        end = end or held[1]
        start = start or end - timedelta(days=FORTNIGHT - 1)
    if start > end:
        raise ParameterError("delivered_from", "the first day is after the last")
    return DeliveryPeriod(res, start, end, agencies)


def _by_cell(table: pa.Table) -> dict[int, dict[str, Any]]:
    return {int(r["cell"]): r for r in table.to_pylist()}


def _cell_row(rank: int, h3: str, ward: str | None, got: dict[str, Any] | None, days: int) -> dict[str, Any]:
    got = got or {}
    minutes = float(got.get("minutes") or 0.0)
    return {
        "rank": rank,
        "h3": h3,
        "ward": ward,
        "minutes": round(minutes, 1),
        "minutes_per_day": round(minutes / days, 2),
        "driveby_minutes": round(float(got.get("driveby_minutes") or 0.0), 1),
        "visits": int(got.get("visits") or 0),
        "compliant_visits": int(got.get("compliant_visits") or 0),
        "days_present": int(got.get("days_present") or 0),
        "visited": minutes > 0,
    }


def _summary(rows: list[dict[str, Any]], days: int) -> dict[str, Any]:
    n = len(rows)
    minutes = sum(r["minutes"] for r in rows)
    return {
        "cells": n,
        "cells_visited": sum(r["visited"] for r in rows),
        "share_visited": round(sum(r["visited"] for r in rows) / n, 3) if n else None,
        "minutes": round(minutes, 1),
        "minutes_per_cell_day": round(minutes / (n * days), 2) if n else None,
        "visits": sum(r["visits"] for r in rows),
        "compliant_visits": sum(r["compliant_visits"] for r in rows),
        "driveby_minutes": round(sum(r["driveby_minutes"] for r in rows), 1),
    }


@dataclass(frozen=True)
class DeliveredCells:
    """The plan's cells, comparable cells outside it and every other cell of the area with delivery, each as a row of
    what it got over the days delivered (the rows of /api/v1/delivery/plan)."""

    period: DeliveryPeriod
    plan: dict[str, Any]  # the patrol plan (api.services.patrol.patrol_plan)
    planned: list[dict[str, Any]]
    comparable: list[dict[str, Any]]
    outside: list[dict[str, Any]]  # every other cell of the area with delivery, most minutes first

    @property
    def days(self) -> int:
        """Days in the period delivered."""
        return (self.period.end - self.period.start).days + 1


def delivered_cells(
    con: Connection, filters: Filters, area: StudyArea, ask: DeliveryAsk, caches: Caches
) -> DeliveredCells:
    """What each of the plan's cells (the same cells as the printed plan), the comparable cells outside it and every
    other cell of the area with delivery got over the days asked for."""
    period = delivery_period(con, ask.res, ask.start, ask.end, ask.agencies)
    days = (period.end - period.start).days + 1
    plan = patrol_plan(con, filters, area, ask.res, None, ask.cells, caches.wards, caches.lattices)
    wider = patrol_plan(con, filters, area, ask.res, None, 3 * ask.cells, caches.wards, caches.lattices)
    planned = [(r["rank"], r["h3"], r["ward"]) for r in plan["cells"]]
    in_plan = {h3 for _, h3, _ in planned}
    comparable = [(r["h3"], r["ward"]) for r in wider["cells"] if r["h3"] not in in_plan][: ask.cells]
    dosage = _by_cell(cell_dosage(con, period))
    covered = in_plan | {h3 for h3, _ in comparable}
    lattice = plan["_lattice"]
    cells = np.asarray(list(dosage), dtype=np.uint64)
    where = lattice.index_of(cells) if len(cells) else np.zeros(0, dtype=np.int64)
    outside = [
        _cell_row(0, h3, lattice.ward_codes[lattice.ward[i]], dosage[int(cell)], days)
        for cell, h3, i in zip(cells, cells_to_strings(cells), where, strict=True)
        if i >= 0 and h3 not in covered
    ]
    outside.sort(key=lambda r: (-r["minutes"], r["h3"]))
    return DeliveredCells(
        period,
        plan,
        [_cell_row(rank, h3, ward, dosage.get(int(h3, 16)), days) for rank, h3, ward in planned],
        [_cell_row(0, h3, ward, dosage.get(int(h3, 16)), days) for h3, ward in comparable],
        outside,
    )


def plan_delivery(
    con: Connection, filters: Filters, area: StudyArea, ask: DeliveryAsk, caches: Caches
) -> dict[str, Any]:
    """The plan's cells with the minutes, visits and compliant visits delivered in each over the period, against the
    target; the same for comparable cells outside the plan (background presence); and the minutes elsewhere."""
    got = delivered_cells(con, filters, area, ask, caches)
    period, days, plan_rows = got.period, got.days, got.planned
    elsewhere = [row["minutes"] for row in got.outside]
    target = ask.visits_per_day * days * len(plan_rows)
    summary = _summary(plan_rows, days)
    summary["target_compliant_visits"] = round(target, 1)
    summary["share_of_target"] = round(summary["compliant_visits"] / target, 3) if target else None
    summary["cells_meeting_target"] = sum(r["compliant_visits"] >= ask.visits_per_day * days for r in plan_rows)
    return {
        "area": area.echo(),
        "resolution": ask.res,
        "plan_period": got.plan["period"],
        "delivered": {"from": period.start.isoformat(), "to": period.end.isoformat(), "days": days},
        "agencies": list(ask.agencies) or ["all"],
        "target": {"compliant_visits_per_cell_day": ask.visits_per_day},
        "plan": summary,
        "background": {
            **_summary(got.comparable, days),
            "comparable": COMPARABLE,
            "other_cells_in_area_minutes": round(sum(elsewhere), 1),
            "other_cells_in_area_visited": sum(1 for m in elsewhere if m > 0),
        },
        "cells": plan_rows,
        "comparable_cells": got.comparable,
    }


def ward_delivery(
    con: Connection, filters: Filters, area: StudyArea, res: int, months: tuple[date, date], caches: Caches
) -> dict[str, Any]:
    """Delivery per ward of the study area and month (whole minutes, visits, compliant visits, every agency
    together): no cell, day or time."""
    start, end = months
    last = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    table = monthly_cell_dosage(con, DeliveryPeriod(res, start, last))
    wards = caches.wards.get(con, filters.boundary_set)
    lattice, _ = caches.lattices.get(con, caches.wards, filters.boundary_set, area, res)
    names = {w.code: w.name for w in wards}
    totals: dict[tuple[str, date], list[float]] = {}
    if table.num_rows:
        where = lattice.index_of(np.asarray(table["cell"].to_numpy(), dtype=np.uint64))
        for row, i in zip(table.to_pylist(), where, strict=True):
            if i < 0:
                continue
            code = lattice.ward_codes[lattice.ward[i]]
            sums = totals.setdefault((code, row["month"]), [0.0, 0, 0])
            sums[0] += row["minutes"]
            sums[1] += row["visits"]
            sums[2] += row["compliant_visits"]
    rows = [
        {
            "ward": code,
            "ward_name": names.get(code),
            "month": f"{month:%Y-%m}",
            "minutes": int(round(sums[0])),
            "visits": int(sums[1]),
            "compliant_visits": int(sums[2]),
        }
        for (code, month), sums in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    return {
        "area": area.echo(),
        "wards": filters.boundary_set,
        "from": f"{start:%Y-%m}",
        "to": f"{end:%Y-%m}",
        "totals": rows,
    }
