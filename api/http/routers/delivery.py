"""Patrol delivery: the plan against what was delivered (analysts: cells and days), and delivery as monthly ward
totals (below analyst, all that is shown, or nothing: AIM_DELIVERY_BELOW_ANALYST). Thin: parse, call
api/services/delivery.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.access.principals import AuthError
from api.http.deps import CachesDep, CapabilitiesDep, Con, FiltersDep, SettingsDep, StudyAreaDep
from api.http.models.base import plain
from api.http.models.delivery import PlanDelivery, WardDelivery
from api.rules import PLAN_RES
from api.services.delivery import DeliveryAsk, delivery_period, plan_delivery, ward_delivery
from api.services.errors import ParameterError

router = APIRouter(prefix="/api/v1", tags=["delivery"])
PLAN_ROUTE = "/api/v1/delivery/plan"
DayQuery = Annotated[date | None, Query(description="YYYY-MM-DD (default: the latest fortnight of delivery held)")]
MonthQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM (default: the months held)")
]
AgencyQuery = Annotated[list[str] | None, Query(max_length=20, description="Only these agencies (repeatable)")]


@router.get("/delivery/plan", response_model=PlanDelivery, **plain)
def plan(
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    cells: Annotated[int, Query(ge=1, le=100, description="Cells in the patrol plan (as printed)")] = 20,
    delivered_from: DayQuery = None,
    delivered_to: DayQuery = None,
    agency: AgencyQuery = None,
    visits_per_day: Annotated[
        float, Query(gt=0, le=24, description="Target: compliant visits per planned cell per day")
    ] = 1.0,
) -> dict[str, Any]:
    """For the patrol plan of the period (`from`..`to`: the same cells as the printed plan), what was delivered in
    each planned cell over the days asked for: minutes present, drive-by minutes, visits and compliant visits
    (10 minutes or more), against the target; and the background presence in comparable cells outside the plan."""
    ask = DeliveryAsk(cells, PLAN_RES, delivered_from, delivered_to, tuple(agency or ()), visits_per_day)
    return plan_delivery(con, filters, area, ask, caches)


@router.get("/delivery/wards", response_model=WardDelivery, **plain)
def wards(
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    delivered_from: MonthQuery = None,
    delivered_to: MonthQuery = None,
) -> dict[str, Any]:
    """Delivery per ward and month of the study area: whole minutes present, visits and compliant visits of every
    agency together. Never a cell, a day or a time."""
    if settings.delivery_below_analyst == "none" and not caps.may_use(PLAN_ROUTE):
        raise AuthError(403, "patrol delivery is not shown to this role here")
    if delivered_from is None or delivered_to is None:
        held = delivery_period(con, PLAN_RES, None, None, ())
        first = date.fromisoformat(f"{delivered_from}-01") if delivered_from else held.start.replace(day=1)
        last = date.fromisoformat(f"{delivered_to}-01") if delivered_to else held.end.replace(day=1)
    else:
        first, last = date.fromisoformat(f"{delivered_from}-01"), date.fromisoformat(f"{delivered_to}-01")
    if first > last:
        raise ParameterError("delivered_from", "the first month is after the last")
    return ward_delivery(con, filters, area, PLAN_RES, (first, last), caches)
