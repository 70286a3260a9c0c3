"""Query parameters that more than one route takes, declared once so that each route checks and documents them
alike: the hotspot statistics' (/api/v1/hotspots/... and the OGC hotspots collection) and the patrol plan's
(/api/v1/patrol-plan and the OGC patrol-plan collection)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

HotspotRes = Annotated[int, Query(ge=7, le=10, description="H3 resolution, 7 to 10")]
HotspotK = Annotated[int, Query(ge=1, le=3, description="Neighbourhood: cells within k grid steps")]
GiAll = Annotated[bool, Query(alias="all", description="Every cell, not only significant ones")]
GiUnit = Annotated[Literal["h3", "ward"], Query(description="h3 cells (res, k) or wards (contiguity)")]

PlanRes = Annotated[int, Query(ge=8, le=10, description="H3 resolution, 8 to 10")]
BudgetQuery = Annotated[float | None, Query(gt=0, le=5000, description="Area to patrol, km2")]
