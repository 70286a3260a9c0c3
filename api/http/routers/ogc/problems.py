"""Problems (tasking) as an OGC collection: each problem's area as a polygon, with its title, status, owner, wards,
dates and action counts; a caller sees exactly the problems, and of each exactly what, /api/v1/problems shows it
(api/access/tasking.py). The collection is listed only to callers who may see at least one problem."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from api.access import tasking as access
from api.access.capabilities import Capabilities
from api.database.tasking import TaskingStore, TaskingUnavailable
from api.http.auth import capabilities_of
from api.http.deps import Con
from api.http.models import ogc as models
from api.http.routers.ogc.landing import LISTED_WHEN
from api.http.routers.ogc.pages import Route, Select, add_collection, whole
from api.services.problem_features import action_counts, problem_layer

Visible = list[tuple[dict[str, Any], list[dict[str, Any]]]]


def _visible(request: Request, caps: Capabilities, counted: bool = True) -> Visible:
    """The problems the caller may know of, oldest first, each with its actions (read when the caller's view counts
    them, or when they decide whether a partner is party to the problem)."""
    store: TaskingStore = request.app.state.tasking
    return access.visible_problems(store, caps, with_actions=counted and caps.problem_details)


def _any_visible(request: Request) -> bool:
    """Whether the caller may see a problem (no, while the tasking database cannot be read: the other collections
    are listed as ever, and the problems collection's own routes answer 503)."""
    try:
        return bool(_visible(request, capabilities_of(request), counted=False))
    except TaskingUnavailable:
        return False


def problems_layer(request: Request, con: Con) -> Select:
    """The problems the caller may see as features (as /api/v1/problems lists them)."""
    caps = capabilities_of(request)

    def layer() -> dict[str, Any]:
        today = date.today()
        shown = []
        for problem, actions in _visible(request, caps):
            properties, own_area = access.feature_view(caps, problem, action_counts(actions, today))
            shown.append((problem, properties, own_area))
        return problem_layer(con, shown)

    return whole(layer)


LISTED_WHEN["problems"] = _any_visible

add_collection(
    "problems",
    problems_layer,
    Route(
        "problem_items",
        "Problem areas the caller may see (as /api/v1/problems lists them), oldest first, a page at a time.",
        models.ProblemAreaItems,
    ),
    Route(
        "problem_item",
        "One problem area by problem id (404 for a problem the caller may not see).",
        models.ProblemAreaItem,
    ),
)
