"""Route by route, what each role gets. Every route must be listed: a route missing here is refused to everyone."""

from __future__ import annotations

from api.access_store import Role
from api.auth import Grant

A, P, C, U = Role.ANALYST, Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC

# counts on wards, hexagons and series: disclosure control below analyst
AGGREGATES = {A: Grant.FULL, P: Grant.OWN, C: Grant.DISCLOSED, U: Grant.DISCLOSED}
# exact counts at fine cells, hotspot statistics, patrol plans, feed quality
ANALYSIS = {A: Grant.FULL, P: Grant.OWN_ONLY, C: Grant.DENIED, U: Grant.DENIED}
# incident rows and their exports
ROWS = {A: Grant.FULL, P: Grant.OWN_ONLY, C: Grant.DENIED, U: Grant.DENIED}
ANALYSTS = {A: Grant.FULL, P: Grant.DENIED, C: Grant.DENIED, U: Grant.DENIED}
OPEN = {A: Grant.FULL, P: Grant.FULL, C: Grant.FULL, U: Grant.FULL}

POLICY: dict[str, dict[Role, Grant]] = {
    "/": AGGREGATES,
    "/api/v1/wards": AGGREGATES,
    "/api/v1/hexes": AGGREGATES,
    "/api/v1/trends": AGGREGATES,
    "/api/v1/trends/movers": AGGREGATES,
    "/api/v1/hotspots": ANALYSIS,
    "/api/v1/hotspots/gi": ANALYSIS,
    "/api/v1/hotspots/emerging": ANALYSIS,
    "/api/v1/patrol-plan": ANALYSIS,
    "/api/v1/evaluate": ANALYSIS,
    "/api/v1/sources": ANALYSIS,
    "/sources": ANALYSIS,
    "/api/v1/incidents": ROWS,
    "/api/v1/incidents/{incident_id}": ROWS,
    "/api/v1/ingest/{feed}": ANALYSTS,
    "/healthz": OPEN,
    "/login": OPEN,
    "/logout": OPEN,
}
