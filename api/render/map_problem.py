"""The map page's "Open a problem" panel, for analysts only: the area (patrol-plan cells, wards, a drawn polygon or
a GIS file) chosen on the map, the problem's title, description, category, owner and partners. Its scripts, after
the map's own (api/static/aim-map.js, whose helpers they use): api/static/aim-problem-area.js chooses the area on the
map, api/static/aim-problem.js sends the problem to POST /api/v1/problems with the page token and shows what was
opened."""

from __future__ import annotations

from api.access.principals import Principal, Role
from api.render.templates import render
from ingest.taxonomy import GROUP_LABELS

SCRIPTS = [
    '<script src="/static/leaflet-draw/leaflet.draw.js" defer></script>',
    '<script src="/static/aim-problem-area.js" defer></script>',
    '<script src="/static/aim-problem.js" defer></script>',
]
STYLE = '<link rel="stylesheet" href="/static/leaflet-draw/leaflet.draw.css">'


def may_open_problems(principal: Principal) -> bool:
    """Only analysts open problems (POST /api/v1/problems refuses everyone else)."""
    return principal.role == Role.ANALYST


def problem_panel(principal: Principal, wards_set: str, plan: bool, csrf: str) -> str:
    """The panel's HTML ("" below analyst): `plan` when the page draws a patrol plan whose cells may be chosen."""
    if not may_open_problems(principal):
        return ""
    groups = [*GROUP_LABELS.items(), ("all", "Every category (ASB and crime)")]
    return render("map_problem.html", csrf=csrf, wards_set=wards_set, plan=plan, groups=groups, owner=principal.name)


def problem_assets(principal: Principal) -> list[str]:
    """The tags the panel needs in the page's head (none below analyst); scripts run deferred, in order, after Leaflet
    and after the map's own script (added to the head before these)."""
    return [STYLE, *SCRIPTS] if may_open_problems(principal) else []
