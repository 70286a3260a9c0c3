"""Evaluation of patrol selection on held-out months: hit rate, PAI and RRI against baselines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.http.deps import CachesDep, CapabilitiesDep, Con, FiltersDep, StudyAreaDep
from api.http.models.base import plain
from api.http.models.patrol import Evaluation
from api.http.models.placebo_audit import PlaceboAudit
from api.services.errors import ParameterError
from api.services.evaluation import evaluate_area
from api.services.params import check_split, parse_coverage, parse_span
from api.services.placebo_audit import CATEGORIES, audit_area
from ingest.store import read

router = APIRouter(prefix="/api/v1", tags=["evaluate"])
DELIVERY_CELLS = "/api/v1/delivery/plan"  # who may see delivery by cell and day


@router.get("/evaluate", response_model=Evaluation, **plain)
def evaluate(
    con: Con,
    caps: CapabilitiesDep,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    train: Annotated[str, Query(description="Training months, e.g. 2025-01:2025-09")],
    test: Annotated[str, Query(description="Test months, e.g. 2025-10:2025-12")],
    coverage: Annotated[str, Query(description="Share of the area to select, e.g. 5%")] = "5%",
    res: Annotated[int, Query(ge=8, le=10, description="H3 resolution, 8 to 10")] = 9,
) -> dict[str, Any]:
    """Score AIM's patrol selection and the baselines (previous period, kernel density, random) on the test months.
    `from`/`to` are ignored: the train and test spans set the months. Analysts also get what the patrols delivered
    in AIM's cells over the test months and the dose-response across them (docs/delivery.md)."""
    train_span, test_span = parse_span(train, "train"), parse_span(test, "test")
    check_split(train_span, test_span)
    share = parse_coverage(coverage)
    delivery = caps.may_use(DELIVERY_CELLS)
    return evaluate_area(con, filters, area, res, train_span, test_span, share, caches.wards, caches.lattices, delivery)


@router.get("/evaluate/placebo", response_model=PlaceboAudit, **plain)
def placebo_audit(
    con: Con,
    area: StudyAreaDep,
    category: Annotated[str, Query(description="ASB or a crime type: " + ", ".join(CATEGORIES))] = "asb",
    per_size: Annotated[int, Query(ge=1, le=6, description="Placebo problems per window and size")] = 2,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Random seed (the same seed, the same audit)")] = 0,
) -> dict[str, Any]:
    """Are problem evaluations calibrated here? (analysts) Busy places where nothing was done, opened as problems
    over 2025's quarter-to-quarter windows: the share called "fell" or "rose" at 5%, and power. Name a force,
    partnership or district; `aim evaluate --placebo` runs the full audit."""
    if area.kind == "all":
        raise ParameterError("force", "name a force, partnership or district to audit")
    if category not in CATEGORIES:
        raise ParameterError("category", f"one of {', '.join(CATEGORIES)}")
    return audit_area(con, area, read.resolve_boundary_set(con, None), category, per_size, seed)
