"""Route by route, what each role gets. Every route must be listed: a route missing here is refused to everyone.

A role is a column of this table: adding one is an entry in each grant set below (and a member of Role). What a
caller may see and do beyond the route it calls (api/access/capabilities.py) is read from the same table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from api.access.principals import Role
from api.services.statistics import Statistic, registered


class Grant(StrEnum):
    """What a role gets from a route."""

    FULL = "full"  # exact figures (and rows, where the route gives rows)
    DISCLOSED = "disclosed"  # aggregates under disclosure control only
    OWN = "own"  # partner: full for the sources its agreement covers; disclosure control across other sources
    OWN_ONLY = "own only"  # partner: the sources its agreement covers, nothing across other sources
    PARTY = "party"  # partner: the problems it is party to (its sources or agency named), to see and update
    WARDS = "wards"  # councillor: a summary of the problems in the wards their token covers, without counts
    NOTES = "notes"  # the public: published progress notes only
    STATUS = "status"  # the service's status only (ok or degraded, and why in general terms): no figures
    DENIED = "denied"


A, P, C, U = Role.ANALYST, Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC

# counts on wards, hexagons and series: disclosure control below analyst
AGGREGATES = {A: Grant.FULL, P: Grant.OWN, C: Grant.DISCLOSED, U: Grant.DISCLOSED}
# exact counts at fine cells, hotspot statistics, patrol plans, feed quality
ANALYSIS = {A: Grant.FULL, P: Grant.OWN_ONLY, C: Grant.DENIED, U: Grant.DENIED}
# incident rows and their exports
ROWS = {A: Grant.FULL, P: Grant.OWN_ONLY, C: Grant.DENIED, U: Grant.DENIED}
ANALYSTS = {A: Grant.FULL, P: Grant.DENIED, C: Grant.DENIED, U: Grant.DENIED}
OPEN = {A: Grant.FULL, P: Grant.FULL, C: Grant.FULL, U: Grant.FULL}
# the service's status: what it holds and when it was loaded for analysts only
STATUS = {A: Grant.FULL, P: Grant.STATUS, C: Grant.STATUS, U: Grant.STATUS}

# tasking: problems and their actions
PROBLEMS = {A: Grant.FULL, P: Grant.PARTY, C: Grant.WARDS, U: Grant.NOTES}
PROBLEM_WORK = {A: Grant.FULL, P: Grant.PARTY, C: Grant.DENIED, U: Grant.DENIED}


def statistic_grant(statistic: Statistic) -> dict[Role, Grant]:
    """A statistic's grant, on its route and its collection: for analysts alone, an analysis, or counts under
    disclosure control."""
    if statistic.analysts_only:
        return ANALYSTS
    return ANALYSIS if statistic.analysis else AGGREGATES


POLICY: dict[str, dict[Role, Grant]] = {
    "/": AGGREGATES,
    "/api/v1/wards": AGGREGATES,
    "/api/v1/hexes": AGGREGATES,
    "/api/v1/trends": AGGREGATES,
    "/api/v1/trends/movers": AGGREGATES,
    "/api/v1/hotspots": ANALYSIS,
    # each statistic's route (api.services.statistics)
    **{s.route: statistic_grant(s) for s in registered() if s.route},
    "/api/v1/risky-facilities": ANALYSIS,
    "/api/v1/facility-lists": ANALYSTS,  # the facility lists kept, and an upload of one
    "/api/v1/hotspots/calibration": ANALYSIS,
    "/api/v1/hotspots/emerging/calibration": ANALYSIS,
    "/api/v1/evaluate": ANALYSIS,
    "/api/v1/evaluate/placebo": ANALYSTS,
    "/api/v1/sources": ANALYSIS,
    "/sources": ANALYSIS,
    "/api/v1/incidents": ROWS,
    "/api/v1/incidents/{incident_id}": ROWS,
    "/api/v1/ingest/{feed}": ANALYSTS,
    "/api/v1/profiles": ANALYSTS,
    "/api/v1/profiles/{name}": ANALYSTS,
    "/feeds": ANALYSTS,  # the feeds page: profiles sent, files checked and loaded
    "/feeds/profile": ANALYSTS,
    "/feeds/check": ANALYSTS,
    "/feeds/load": ANALYSTS,
    "/api/v1/problems": PROBLEMS,
    "/api/v1/problems/{problem_id}": PROBLEMS,
    "/api/v1/problems/{problem_id}/actions": PROBLEM_WORK,
    "/api/v1/problems/{problem_id}/actions/{action_id}": PROBLEM_WORK,
    "/api/v1/problems/{problem_id}/reviews": PROBLEM_WORK,
    "/api/v1/problems/{problem_id}/evaluation": ANALYSTS,
    "/api/v1/problems/{problem_id}/audit": ANALYSTS,
    "/api/v1/problems/{problem_id}/profile.pdf": PROBLEM_WORK,
    "/problems": PROBLEMS,
    "/problems/{problem_id}": PROBLEMS,
    "/api/v1/tasking/pack": ANALYSTS,  # problem details and patrol plans: partners, councillors, public refused
    "/tasking": ANALYSTS,
    "/api/v1/problem-areas": ANALYSTS,
    "/api/v1/delivery/load": ANALYSTS,
    "/api/v1/delivery/plan": ANALYSTS,  # patrol delivery by cell and day; below analyst, monthly ward totals only
    "/api/v1/delivery/wards": OPEN,  # monthly ward totals only (AIM_DELIVERY_BELOW_ANALYST=none: analysts only)
    "/api/v1/problem-areas/around": ANALYSTS,
    "/healthz": STATUS,
    "/login": OPEN,
    "/docs": OPEN,
    "/redoc": OPEN,
    "/accessibility": OPEN,  # the accessibility statement
    "/logout": OPEN,
    # vector tiles of the ward and hexagon layers
    "/tiles/{layer}.json": AGGREGATES,
    "/tiles/{layer}/{z}/{x}/{y}.mvt": AGGREGATES,
    # OGC API - Features: the landing page, conformance and the list of collections (each caller sees those it may
    # read), then each collection, its items and one item with the grant of the /api/v1 route it serves
    "/ogc": OPEN,
    "/ogc/conformance": OPEN,
    "/ogc/collections": OPEN,
}
COLLECTION_TAILS = ("", "/items", "/items/{featureId}")
OGC_COLLECTIONS = {
    "wards": "/api/v1/wards",
    "hexagons-6": "/api/v1/hexes",
    "hexagons-7": "/api/v1/hexes",
    "hexagons-8": "/api/v1/hexes",
    **{s.collection.id: s.route for s in registered() if s.collection and s.route},
    "incidents": "/api/v1/incidents",
    "problems": "/api/v1/problems",
}
POLICY.update(
    {
        f"/ogc/collections/{collection}{tail}": POLICY[route]
        for collection, route in OGC_COLLECTIONS.items()
        for tail in COLLECTION_TAILS
    }
)
POLICY.update(  # each statistic's collection, its route or not
    {
        f"/ogc/collections/{s.collection.id}{tail}": statistic_grant(s)
        for s in registered()
        if s.collection
        for tail in COLLECTION_TAILS
    }
)


@dataclass(frozen=True)
class Policy:
    """Each role's grant on each route, and which role is the caller without a token. The extension point for a new
    role: `with_role` gives the same table with one more column."""

    routes: Mapping[str, Mapping[str, Grant]]
    anonymous: str = Role.PUBLIC  # the role of a caller without a token

    def grant(self, route: str | None, role: str) -> Grant:
        """The role's grant on a route (deny when the route or the role is not in the policy)."""
        roles = self.routes.get(route) if route is not None else None
        return roles.get(role, Grant.DENIED) if roles else Grant.DENIED

    def roles(self) -> tuple[str, ...]:
        """Every role the table names, in the order first named."""
        return tuple(dict.fromkeys(role for roles in self.routes.values() for role in roles))

    def with_role(self, role: str, like: str | None = None, grants: Mapping[str, Grant] | None = None) -> Policy:
        """This policy with one more role: the grants of the role it is `like` (none: denied everywhere), replaced on
        the routes named in `grants`."""
        changed = dict(grants or {})
        unknown = sorted(set(changed) - set(self.routes))
        if unknown:
            raise ValueError(f"routes not in the policy: {', '.join(unknown)}")
        routes = {
            route: {**roles, role: changed.get(route, roles.get(like, Grant.DENIED) if like else Grant.DENIED)}
            for route, roles in self.routes.items()
        }
        return Policy(routes, self.anonymous)

    def token_roles(self) -> tuple[str, ...]:
        """The roles a token may carry: every role but the anonymous caller's."""
        return tuple(role for role in self.roles() if role != self.anonymous)

    def refusal(self, role: str) -> tuple[int, str]:
        """The status and message for a caller the policy does not let in: sign in (401) for the caller without a
        token, 403 for a role the route refuses."""
        if role == self.anonymous:
            return 401, "sign in: this route needs a token (Authorization: Bearer <token>)"
        return 403, f"the {role} role may not use this route"


def _by_name(table: Mapping[str, Mapping[Role, Grant]]) -> dict[str, Mapping[str, Grant]]:
    """The table with its roles as role names (the type a policy extended with other roles holds)."""
    by_name: dict[str, Mapping[str, Grant]] = {}
    for route, roles in table.items():
        grants: dict[str, Grant] = {role: grant for role, grant in roles.items()}
        by_name[route] = grants
    return by_name


DEFAULT_POLICY = Policy(_by_name(POLICY))
DEMO_ROLE = Role.ANALYST  # the demo's token (`aim demo`): every route
