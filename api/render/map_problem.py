"""The map page's "Open a problem" panel, for analysts only: the area (patrol-plan cells, wards, a drawn polygon or
a GIS file) chosen on the map, the problem's title, description, category, owner and partners. Its scripts, after
the map's own (api/static/aim-map.js, whose helpers they use): api/static/aim-problem-area.js chooses the area on the
map, api/static/aim-problem.js sends the problem to POST /api/v1/problems with the page token and shows what was
opened."""

from __future__ import annotations

from api.access.capabilities import Capabilities
from api.render.templates import render
from ingest.taxonomy import GROUP_LABELS

SCRIPTS = [
    '<script src="/static/leaflet-draw/leaflet.draw.js" defer></script>',
    '<script src="/static/aim-problem-area.js" defer></script>',
    '<script src="/static/aim-problem.js" defer></script>',
]
STYLE = '<link rel="stylesheet" href="/static/leaflet-draw/leaflet.draw.css">'


def problem_panel(caps: Capabilities, wards_set: str, plan: bool, csrf: str) -> str:
    """The panel's HTML ("" below analyst): `plan` when the page draws a patrol plan whose cells may be chosen."""
    if not caps.opens_problems:  # as POST /api/v1/problems decides
        return ""
    groups = [*GROUP_LABELS.items(), ("all", "Every category (ASB and crime)")]
    owner = caps.principal.name
    return render("map_problem.html", csrf=csrf, wards_set=wards_set, plan=plan, groups=groups, owner=owner)


def problem_assets(caps: Capabilities) -> list[str]:
    """The tags the panel needs in the page's head (none below analyst); scripts run deferred, in order, after Leaflet
    and after the map's own script (added to the head before these)."""
    return [STYLE, *SCRIPTS] if caps.opens_problems else []
