"""Route by route, what each role gets. Every route must be listed: a route missing here is refused to everyone.

A role is a column of this table: adding one is an entry in each grant set below (and a member of Role). What a
caller may see and do beyond the route it calls (api/access/capabilities.py) is read from the same table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from api.access.principals import Role
from api.services.statistics import Kind, Statistic, registered


class Grant(StrEnum):
    """What a role gets from a route."""

    FULL = "full"  # exact figures (and rows, where the route gives rows)
    DISCLOSED = "disclosed"  # aggregates under disclosure control only
    OWN = "own"  # partner: full for the sources its agreement covers; disclosure control across other sources
    OWN_ONLY = "own only"  # partner: the sources its agreement covers, nothing across other sources
    PARTY = "party"  # partner: the problems it is party to (its sources or agency named), to see and update
    WARDS = "wards"  # councillor: a summary of the problems in the wards their token covers, without counts
    NOTES = "notes"  # the public: published progress notes only
    CASE = "case"  # partner: the cases its agency owns or is party to (special category data), to see and update
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
NOBODY: dict[Role, Grant] = {}  # every role denied
OPEN = {A: Grant.FULL, P: Grant.FULL, C: Grant.FULL, U: Grant.FULL}
# the service's status: what it holds and when it was loaded for analysts only
STATUS = {A: Grant.FULL, P: Grant.STATUS, C: Grant.STATUS, U: Grant.STATUS}

# tasking: problems and their actions
PROBLEMS = {A: Grant.FULL, P: Grant.PARTY, C: Grant.WARDS, U: Grant.NOTES}
PROBLEM_WORK = {A: Grant.FULL, P: Grant.PARTY, C: Grant.DENIED, U: Grant.DENIED}

# cases about people (special category data): analysts and the agencies party to a case; never councillors or the
# public, not even as counts
CASES = {A: Grant.FULL, P: Grant.CASE, C: Grant.DENIED, U: Grant.DENIED}


# each kind of statistic (api.services.statistics.Kind), the grant on its route and its collection; a kind not named
# here is refused to every role, and a role not named in a kind's grant is refused it
KIND_GRANTS: dict[str, dict[Role, Grant]] = {
    Kind.ANALYSIS: ANALYSIS,
    Kind.AGGREGATES: AGGREGATES,
    Kind.DELIVERY: ANALYSTS,  # patrol delivery by cell and day; below analyst, monthly ward totals only
    Kind.FACILITIES: ANALYSTS,  # risky facilities of the kept lists (which may name premises and licence holders)
}


def statistic_grant(statistic: Statistic) -> dict[Role, Grant]:
    """A statistic's grant, on its route and its collection: its kind's (none: denied to every role)."""
    return KIND_GRANTS.get(statistic.kind, NOBODY)


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
    "/feeds/delivery": ANALYSTS,  # patrol movement loaded as delivery
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
    # the annual assessment joins analyses (hot spots, feed quality), problems and delivery by cell: analysts only;
    # below analyst nothing (the published map's disclosure-controlled counts are the aggregates others may read)
    "/api/v1/assessment": ANALYSTS,
    "/assessment": ANALYSTS,
    "/api/v1/problem-areas": ANALYSTS,
    "/api/v1/delivery/load": ANALYSTS,
    "/api/v1/delivery/dose-response": ANALYSTS,  # per planned cell and day: analysts only
    # /api/v1/delivery/plan: the patrol delivery statistic's route, with its kind's grant (KIND_GRANTS)
    "/api/v1/delivery/wards": OPEN,  # monthly ward totals only (AIM_DELIVERY_BELOW_ANALYST=none: analysts only)
    "/api/v1/problem-areas/around": ANALYSTS,
    "/api/v1/cases": CASES,
    "/api/v1/cases/settings": CASES,  # the risk matrix, the ladder of interventions and the repeat rule
    "/api/v1/cases/{case_id}": CASES,  # DELETE: erasure (analysts)
    "/api/v1/cases/{case_id}/incidents": CASES,
    "/api/v1/cases/{case_id}/incidents/{incident_id}": CASES,
    "/api/v1/cases/{case_id}/links": ANALYSTS,  # linking by rule reads every feed's records
    "/api/v1/cases/{case_id}/risk": CASES,
    "/api/v1/cases/{case_id}/interventions": CASES,
    "/api/v1/cases/{case_id}/interventions/{intervention_id}": CASES,
    "/api/v1/cases/{case_id}/actions": CASES,
    "/api/v1/cases/{case_id}/actions/{action_id}": CASES,
    "/api/v1/cases/{case_id}/audit": ANALYSTS,
    "/api/v1/cases/{case_id}/subject-access": ANALYSTS,
    "/api/v1/repeat-victims": ANALYSTS,
    "/api/v1/repeat-victims/scan": ANALYSTS,
    "/api/v1/repeat-victims/{flag_id}": ANALYSTS,
    "/cases": CASES,
    "/cases/{case_id}": CASES,
    # ASB Case Review applications (special category data, as cases); the watchlist crosses every agency's records;
    # the yearly publication is counts of applications, made for publishing (analysts make and publish it)
    "/api/v1/case-reviews": CASES,
    "/api/v1/case-reviews/{application_id}": CASES,  # DELETE: erasure (analysts)
    "/api/v1/case-reviews/{application_id}/decision": CASES,
    "/api/v1/case-reviews/{application_id}/review": CASES,
    "/api/v1/case-reviews/{application_id}/recommendations": CASES,
    "/api/v1/case-reviews/{application_id}/withdraw": CASES,
    "/api/v1/case-reviews/{application_id}/audit": ANALYSTS,
    "/api/v1/case-reviews/watchlist": ANALYSTS,
    "/api/v1/case-reviews/publication": ANALYSTS,
    "/case-reviews": CASES,
    "/case-reviews/publication": ANALYSTS,
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
