"""Patrol delivery: the plan against what was delivered (analysts: cells and days), and delivery as monthly ward
totals (below analyst, all that is shown, or nothing: AIM_DELIVERY_BELOW_ANALYST). Thin: parse, call
api/services/delivery.py."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api.access.principals import AuthError
from api.http.deps import MONTH_PATTERN, CachesDep, CapabilitiesDep, Con, FiltersDep, SettingsDep, StudyAreaDep
from api.http.models.base import plain
from api.http.models.delivery import DeliveryLoaded, DoseResponseAnswer, PlanDelivery, WardDelivery
from api.http.routers.uploads import SAFE_NAME, receive_file
from api.rules import PLAN_RES, dosage_rules, upload_limits
from api.services.delivery import DeliveryAsk, delivery_period, plan_delivery, ward_delivery
from api.services.dose_response import DoseAsk, plan_dose_response
from api.services.errors import ParameterError
from api.services.plan_numbers import numbered_plan
from api.settings import Settings
from ingest.delivery import DeliveryOptions, DeliveryReport, load_delivery
from ingest.errors import IngestError
from ingest.movement_places import Plan
from ingest.registry import MOVEMENT, movement_source, movement_source_for
from ingest.sources import MovementSource

router = APIRouter(prefix="/api/v1", tags=["delivery"])
PLAN_ROUTE = "/api/v1/delivery/plan"
DayQuery = Annotated[date | None, Query(description="YYYY-MM-DD (default: the latest fortnight of delivery held)")]
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM (default: the months held)")]
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


def _month(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(f"{text}-01")


def _span(name: str, first: str | None, last: str | None) -> tuple[date, date] | None:
    if (first is None) != (last is None):
        raise ParameterError(name, "give both months of the period, or neither")
    start, end = _month(first), _month(last)
    return (start, end) if start and end else None


@router.get("/delivery/dose-response", response_model=DoseResponseAnswer, **plain)
def dose_response(
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    cells: Annotated[int, Query(ge=4, le=100, description="Cells in the patrol plan (as printed)")] = 20,
    delivered_from: DayQuery = None,
    delivered_to: DayQuery = None,
    before_from: MonthQuery = None,
    before_to: MonthQuery = None,
    after_from: MonthQuery = None,
    after_to: MonthQuery = None,
    permutations: Annotated[int, Query(ge=99, le=9999, description="Permutations of the test")] = 999,
    runs: Annotated[int, Query(ge=0, le=500, description="Null datasets of the calibration (0: none)")] = 200,
) -> dict[str, Any]:
    """Does more delivered dosage go with fewer incidents? Per planned cell (the printed plan's cells), minutes
    present a day over the days delivered against the change in incidents from the cell's own before-period
    (`before_from`..`before_to`, default as many months just before) to the after-period (`after_from`..`after_to`,
    default the months delivered); the slope adjusted for the before-level, a permutation p-value, and its
    calibration on shuffled dosage. An association across cells, not a measured effect (docs/delivery.md)."""
    ask = DoseAsk(
        cells,
        PLAN_RES,
        (delivered_from, delivered_to),
        _span("after_from", after_from, after_to),
        _span("before_from", before_from, before_to),
        permutations,
        runs,
    )
    return plan_dose_response(con, filters, area, ask, caches)


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


def load_movement(
    request: Request,
    settings: Settings,
    source: MovementSource,
    path: Path,
    agency: str,
    dry_run: bool,
    plan: Plan | None = None,
) -> DeliveryReport:
    """Load one movement file through the store's one writer; call it on a worker thread."""
    rules, limits = dosage_rules(settings), upload_limits(settings)
    options = DeliveryOptions(rules=rules, limits=limits, dry_run=dry_run, plan=plan)
    with request.app.state.store.writing() as cursor:
        return load_delivery(cursor, [(source, path)], agency, options)


@router.post("/delivery/load", response_model=DeliveryLoaded, **plain)
async def load(
    request: Request,
    settings: SettingsDep,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    agency: Annotated[str, Query(min_length=1, max_length=80, description="The agency whose patrols these are")],
    filename: Annotated[
        str, Query(max_length=200, description="The file's name: its ending names its format unless `format` does")
    ] = "upload.gpx",
    format: Annotated[  # noqa: A002
        str | None, Query(description=f"One of {', '.join(MOVEMENT)} (default: from the file's name)")
    ] = None,
    dry_run: Annotated[bool, Query(description="Count and report, keep nothing")] = False,
    plan_cells: Annotated[
        int | None,
        Query(
            ge=1,
            le=100,
            description="A patrol log's plan cell numbers are read against the plan of this many cells for the area "
            "and months asked for (force, csp or lad; from, to), as /api/v1/delivery/plan and the printed plan give it",
        ),
    ] = None,
) -> dict[str, Any]:
    """Load the request body (a GPX, MF-JSON, MF-CSV, CSV pings or patrol log file) as one agency's patrol
    delivery: its dosage per cell and day replaces the agency's on the days it covers; bad rows are refused with
    their line and reason; the pings themselves are never stored (docs/delivery.md). The same bounds as feed
    uploads."""
    name = SAFE_NAME.sub("_", Path(filename).name) or "upload.gpx"
    try:
        source = movement_source(format) if format else movement_source_for(Path(name))
    except IngestError as exc:
        raise ParameterError("format" if format else "filename", str(exc)) from exc
    plan = None
    if plan_cells is not None:
        plan = await run_in_threadpool(numbered_plan, con, filters, area, PLAN_RES, plan_cells, caches)
    with tempfile.TemporaryDirectory(prefix="aim-delivery-") as folder:
        path = Path(folder) / name
        if not await receive_file(request, path):
            raise ParameterError("body", "empty upload: send the file's bytes as the request body")
        report = await run_in_threadpool(partial(load_movement, request, settings, source, path, agency, dry_run, plan))
    # not written to the audit log: its parameters hold the file's name, which may name a person
    return movement_summary(report, name, source, dry_run)


def movement_summary(report: DeliveryReport, name: str, source: MovementSource, dry_run: bool) -> dict[str, Any]:
    """What a movement load did, as the route and the feeds page show it (refused rows: line and reason)."""
    return {
        "agency": report.agency,
        "file": name,
        "format": source.name,
        "dry_run": dry_run,
        "pings_read": report.pings_read,
        "pings_kept": report.pings_kept,
        "quarantined": report.quarantined,
        "reasons": dict(report.reasons),
        "examples": [{"line": line, "reason": reason} for _, line, reason in report.examples],
        "days": [d.isoformat() for d in report.days],
        "cell_days": report.cell_days,
        "minutes": round(report.minutes, 1),
        "visits": report.visits,
        "compliant_visits": report.compliant_visits,
    }
