"""A patrol plan as its printed numbers: the cells of the plan for an area, period and number of cells, number 1
first, for patrol logs that name a cell by its number on the printed plan (docs/delivery.md)."""

from __future__ import annotations

from api.services.caches import Caches
from api.services.filters import Filters
from api.services.patrol import patrol_plan
from api.services.study_area import StudyArea
from ingest.movement_places import Plan
from ingest.store.connection import Connection


def numbered_plan(con: Connection, filters: Filters, area: StudyArea, res: int, cells: int, caches: Caches) -> Plan:
    """The plan's cells in printed order (as /api/v1/patrol-plan and the tasking pack rank them), and its name."""
    plan = patrol_plan(con, filters, area, res, None, cells, caches.wards, caches.lattices)
    ranked = tuple(int(row["h3"], 16) for row in plan["cells"])
    period = f"{filters.incident.start:%b %Y} to {filters.incident.end:%b %Y}"
    return Plan(ranked, f"the {cells}-cell patrol plan of {area.name}, {period}")
