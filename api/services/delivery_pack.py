"""The tasking pack's delivery since the last meeting: for each of the plan's cells (the same cells as the printed
plan), the minutes and compliant visits planned against those delivered over the pack's fortnight, and the share of
the plan delivered; or that no delivery is held (docs/delivery.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from api.services.caches import Caches
from api.services.delivery import DeliveryAsk, delivered_cells
from api.services.filters import Filters
from api.services.study_area import StudyArea
from ingest.store.connection import Connection
from ingest.store.read.delivery import delivery_days


@dataclass(frozen=True)
class PackDelivery:
    """What the pack's delivery section asks: the plan's cells and resolution, the meeting and its cycle, the target."""

    cells: int
    res: int
    meeting: date
    cycle_days: int = 14
    visits_per_day: float = 1.0  # compliant visits per planned cell per day
    visit_minutes: float = 10.0  # a compliant visit's length (AIM_DELIVERY_COMPLIANT_S)


def fortnight(meeting: date, cycle_days: int) -> tuple[date, date]:
    """The days since the last meeting: the cycle's days up to the day before this one."""
    return meeting - timedelta(days=cycle_days), meeting - timedelta(days=1)


def _words_of(first: date, last: date) -> str:
    return f"{first:%d %b %Y} to {last:%d %b %Y}"


def delivery_section(
    con: Connection, filters: Filters, area: StudyArea, caches: Caches, ask: PackDelivery
) -> dict[str, Any]:
    """Per planned cell, the minutes and compliant visits planned and delivered since the last meeting, visits of any
    length, and the share of its plan delivered; the plan's share delivered (each cell counted up to its own plan, so
    a cell patrolled twice over does not hide one not patrolled); "no delivery held" when none is."""
    first, last = fortnight(ask.meeting, ask.cycle_days)
    days = (last - first).days + 1
    planned_visits = ask.visits_per_day * days
    out: dict[str, Any] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": days,
        "target": {
            "compliant_visits_per_cell_day": ask.visits_per_day,
            "visit_minutes": ask.visit_minutes,
            "planned_visits_per_cell": round(planned_visits, 1),
            "planned_minutes_per_cell": round(planned_visits * ask.visit_minutes, 1),
        },
        "held": False,
        "share_delivered": None,
        "cells_visited": 0,
        "minutes": None,
        "compliant_visits": None,
        "cells": [],
    }
    held = delivery_days(con, ask.res)
    if held is None:
        return out | {"words": "No delivery held: no patrol movement has been loaded."}
    if held[1] < first or held[0] > last:
        words = (
            f"No delivery held for {_words_of(first, last)}: delivery is held for {_words_of(*held)} only, so "
            "nothing can be said of these days."
        )
        return out | {"words": words}
    got = delivered_cells(con, filters, area, DeliveryAsk(ask.cells, ask.res, first, last), caches)
    rows = []
    for cell in got.planned:
        rows.append(
            {
                "rank": cell["rank"],
                "h3": cell["h3"],
                "ward": cell["ward"],
                "planned_minutes": round(planned_visits * ask.visit_minutes, 1),
                "minutes": cell["minutes"],
                "planned_visits": round(planned_visits, 1),
                "compliant_visits": cell["compliant_visits"],
                "visits": cell["visits"],
                "share_delivered": round(min(cell["compliant_visits"], planned_visits) / planned_visits, 3),
            }
        )
    planned = planned_visits * len(rows)
    share = sum(min(r["compliant_visits"], planned_visits) for r in rows) / planned if planned else None
    visited = sum(r["minutes"] > 0 for r in rows)
    partial = "" if held[0] <= first and held[1] >= last else f" (delivery is held for {_words_of(*held)} only)"
    words = (
        f"{_words_of(first, last)}{partial}: {visited} of {len(rows)} planned cells visited, "
        f"{sum(r['compliant_visits'] for r in rows)} compliant visits of {ask.visit_minutes:g} minutes or more "
        f"against {planned:g} planned ({ask.visits_per_day:g} a cell a day): "
        f"{share:.0%} of the plan delivered, counting each cell up to its own plan."
        if share is not None
        else f"{_words_of(first, last)}: the plan has no cells."
    )
    return out | {
        "held": True,
        "share_delivered": None if share is None else round(share, 3),
        "cells_visited": visited,
        "minutes": round(sum(r["minutes"] for r in rows), 1),
        "compliant_visits": sum(r["compliant_visits"] for r in rows),
        "words": words,
        "cells": rows,
    }
