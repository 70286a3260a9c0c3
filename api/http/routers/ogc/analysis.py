"""Gi* hot and cold spots and the patrol plan as OGC collections: the features of /api/v1/hotspots/gi and
/api/v1/patrol-plan?format=geojson, with the same parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.deps import CachesDep, Con, SettingsDep, StudyAreaDep
from api.http.models import ogc as models
from api.http.params import BudgetQuery, GiAll, GiUnit, HotspotK, HotspotRes, PlanRes
from api.http.routers.ogc.base import OgcFiltersDep
from api.http.routers.ogc.pages import Route, Select, add_collection, whole
from api.services.cell_places import postcode_lookup
from api.services.errors import ParameterError
from api.services.hotspots import gi_layer_of
from api.services.patrol import patrol_plan, plan_geojson


def hotspot_layer(
    con: Con,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    res: HotspotRes = 9,
    k: HotspotK = 1,
    all_cells: GiAll = False,
    unit: GiUnit = "h3",
) -> Select:
    """The Gi* layer of the study area: cells (res, k) or wards, significant ones only unless `all`."""
    return whole(lambda: gi_layer_of(unit, con, filters, area, res, k, caches.wards, caches.lattices, all_cells))


add_collection(
    "hotspots",
    hotspot_layer,
    Route(
        "hotspot_items",
        "Gi* hot and cold spots of the study area (as /api/v1/hotspots/gi), hottest first, a page at a time.",
        models.GiCellItems | models.GiWardItems,
    ),
    Route("hotspot_item", "One cell (or ward) of the Gi* layer by id.", models.GiCellItem | models.GiWardItem),
)

CellsQuery = Annotated[int | None, Query(ge=1, le=500, description="Number of cells to patrol (default 20)")]
DEFAULT_CELLS = 20


def plan_layer(
    con: Con,
    settings: SettingsDep,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    res: PlanRes = 9,
    budget_km2: BudgetQuery = None,
    cells: CellsQuery = None,
) -> Select:
    """The patrol plan's cells in rank order, for an area budget or a number of cells (default 20)."""
    if budget_km2 is not None and cells is not None:
        raise ParameterError("budget_km2", "give at most one of budget_km2 or cells")
    count = DEFAULT_CELLS if budget_km2 is None and cells is None else cells
    postcodes = postcode_lookup(settings.postcodes)
    return whole(
        lambda: plan_geojson(
            patrol_plan(con, filters, area, res, budget_km2, count, caches.wards, caches.lattices, postcodes)
        )
    )


add_collection(
    "patrol-plan",
    plan_layer,
    Route(
        "patrol_items",
        "The patrol plan's cells in rank order (as /api/v1/patrol-plan?format=geojson), a page at a time.",
        models.PatrolItems,
    ),
    Route("patrol_item", "One cell of the patrol plan by id.", models.PatrolItem),
)
