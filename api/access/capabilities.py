"""What one caller may see and do, decided once per request from the policy table (api/access/policy.py).

A request's capabilities are its grant on the route it calls, and what its role's grants on other routes allow it
to see there: a page links to, draws or lists only what the caller could read from the route that serves it. Routers,
pages, templates and the command line ask these flags; none of them compares roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.access.policy import DEFAULT_POLICY, Grant, Policy, statistic_grant
from api.access.principals import Principal
from api.services.statistics import Statistic, registered

MAP = "/"
SOURCES = "/api/v1/sources"
SOURCES_PAGE = "/sources"
FEEDS = "/feeds"
TASKING_PACK = "/tasking"
INCIDENTS = "/api/v1/incidents"
PROBLEMS = "/api/v1/problems"
PROBLEM_WORK = "/api/v1/problems/{problem_id}/actions"
REVIEWS = "/api/v1/problems/{problem_id}/reviews"
AUDIT = "/api/v1/problems/{problem_id}/audit"
CASES = "/api/v1/cases"
CASE_AUDIT = "/api/v1/cases/{case_id}/audit"
AGREEMENT_GRANTS = (Grant.OWN, Grant.OWN_ONLY)  # grants that limit a role to the sources its agreement covers


@dataclass(frozen=True)
class Capabilities:
    """What the caller of one request may see and do."""

    principal: Principal
    grant: Grant  # on the route called
    signed_in: bool  # a token holder (not the caller without a token)
    analyses: bool  # Gi* hotspots, emerging hotspots and the patrol plan; ids and exact figures in small print
    sources_report: bool  # the coverage and data quality page
    every_source: bool  # every source held may be named to it (in lists and error messages)
    loads_feeds: bool  # sends profiles and loads feeds
    tasking_pack: bool  # prints the tasking pack
    incident_rows: bool  # incident rows and their exports (audited)
    agreement: bool  # limited to the sources its agreement covers (the principal's sources)
    problems: Grant  # how it sees problems: every one (full), party to, in its wards, published notes, or none
    problem_work: Grant  # which problems it changes: every one (full), those it is party to, or none
    audit: bool  # a problem's audit trail
    publishes_notes: bool  # makes a review a progress note the public may read
    cases: Grant  # which cases about people it sees and works on: every one (full), those its agency is party to
    case_audit: bool  # a case's audit trail, subject access export, erasure, repeat-victim flags
    statistics: frozenset[str] = frozenset()  # the keys of the statistics it may see (on the map: with `analyses`)
    policy: Policy = field(default=DEFAULT_POLICY, repr=False, compare=False)

    @property
    def published_only(self) -> bool:
        """Whether the route gives it the published tables only (api.access.tables)."""
        return self.grant == Grant.DISCLOSED

    @property
    def opens_problems(self) -> bool:
        """Whether it opens new problems."""
        return self.problem_work == Grant.FULL

    @property
    def problem_details(self) -> bool:
        """Whether a problem's line shows its title, owner, partners and action counts (not published notes only)."""
        return self.problems not in (Grant.NOTES, Grant.DENIED)

    @property
    def problem_areas(self) -> bool:
        """Whether a problem's own area is drawn (else the outline of the wards it lies in)."""
        return self.problems in (Grant.FULL, Grant.PARTY)

    @property
    def listed_sources(self) -> tuple[str, ...] | None:
        """The sources an error message may name to it: every one (None), or those its agreement covers (none
        for callers without one: an error must not enumerate the sources held)."""
        return None if self.every_source else self.principal.sources

    @property
    def row_sources(self) -> tuple[str, ...] | None:
        """The sources whose incident rows it may read (None: every source)."""
        return self.principal.sources if self.agreement else None

    @property
    def records_only(self) -> bool:
        """Whether it counts its records as they are: de-duplication leans on links to other agencies' records, so
        counts with and without it would tell how many of its records those agencies hold too."""
        return self.agreement

    def may_use(self, route: str) -> bool:
        """Whether its role may call another route."""
        return self.policy.grant(route, self.principal.role) != Grant.DENIED

    def refusal(self) -> tuple[int, str]:
        """The status and message when the route does not let it in."""
        return self.policy.refusal(self.principal.role)


def statistic_route(statistic: Statistic) -> str | None:
    """The route whose grant says who sees a statistic: its /api/v1 route, else its collection's (None: neither)."""
    if statistic.route:
        return statistic.route
    return f"/ogc/collections/{statistic.collection.id}" if statistic.collection else None


def sees_statistic(policy: Policy, role: str, statistic: Statistic) -> bool:
    """Whether a role sees a statistic: its grant on the statistic's route in the policy, or (a statistic registered
    after the policy was made) its kind's grant; a kind or a role neither names is denied."""
    route = statistic_route(statistic)
    if route is not None and route in policy.routes:
        return policy.grant(route, role) != Grant.DENIED
    return statistic_grant(statistic).get(role, Grant.DENIED) != Grant.DENIED  # type: ignore[call-overload]


def capabilities(principal: Principal, route: str | None, policy: Policy = DEFAULT_POLICY) -> Capabilities:
    """The caller's capabilities on a route, read from the policy's grants for its role."""
    role = principal.role

    def may(route: str) -> bool:
        return policy.grant(route, role) != Grant.DENIED

    problem_work = policy.grant(PROBLEM_WORK, role)
    analyses = [s.route for s in registered() if s.analysis and s.route]  # the routes of the map's analyses
    return Capabilities(
        principal=principal,
        grant=policy.grant(route, role),
        signed_in=role != policy.anonymous,
        analyses=bool(analyses) and all(may(r) for r in analyses),
        sources_report=may(SOURCES_PAGE),
        every_source=policy.grant(SOURCES, role) == Grant.FULL,
        loads_feeds=may(FEEDS),
        tasking_pack=may(TASKING_PACK),
        incident_rows=may(INCIDENTS),
        agreement=any(roles.get(role) in AGREEMENT_GRANTS for roles in policy.routes.values()),
        problems=policy.grant(PROBLEMS, role),
        problem_work=problem_work,
        audit=may(AUDIT),
        publishes_notes=policy.grant(REVIEWS, role) == Grant.FULL,
        cases=policy.grant(CASES, role),
        case_audit=may(CASE_AUDIT),
        statistics=frozenset(s.key for s in registered() if sees_statistic(policy, role, s)),
        policy=policy,
    )


def capabilities_of(caller: Capabilities | Principal, route: str) -> Capabilities:
    """The capabilities given, or a principal's on the route under the default policy."""
    return caller if isinstance(caller, Capabilities) else capabilities(caller, route)
