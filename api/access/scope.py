"""What a caller may count on a route: which sources, and whether its figures are exact, open or published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.access.disclosure import DisclosureRule, OpenFigures, Published
from api.access.policy import Grant
from api.access.principals import AuthError, Principal, Role
from api.access.tables import COUNCIL, table_sources
from api.services.figures import EXACT, Figures


@dataclass(frozen=True)
class Scope:
    """The sources a request counts, how its counts are published, and whether it is a published table."""

    sources: tuple[str, ...]
    figures: Figures
    published: bool = False  # a published table: fixed sources, groups and periods, records not de-duplicated


def is_published(principal: Principal, grant: Grant, requested: list[str]) -> bool:
    """Whether the caller counts a published table: councillors and the public always, a partner when it asks for
    sources beyond its agreement on a route that allows it."""
    if grant == Grant.DISCLOSED:
        return True
    return grant == Grant.OWN and bool(requested) and not set(requested) <= set(principal.sources)


def source_scope(
    principal: Principal,
    grant: Grant,
    rule: DisclosureRule,
    requested: list[str],
    validate: Callable[[list[str]], tuple[str, ...]],
    held: Callable[[], tuple[str, ...]],
) -> Scope:
    """The sources counted and the figures strategy: exact for analysts and a partner's own sources; for published
    tables, open figures for open data and cell-key perturbation for council records (api.access.tables)."""
    if is_published(principal, grant, requested):
        own = principal.sources if principal.role == Role.PARTNER else ()
        sources, is_open = table_sources(requested, held(), rule.open_sources, own)
        return Scope(sources, OpenFigures(rule) if is_open else Published(rule), published=True)
    validated = validate([s for s in requested if s != COUNCIL])  # the sources asked for, each known (422 otherwise)
    if COUNCIL in requested:  # every council source held, as a name analysts and partners may use too
        council = tuple(s for s in held() if s not in rule.open_sources)
        validated = tuple(dict.fromkeys([*council, *(validated if len(requested) > 1 else ())]))
    if grant == Grant.FULL:
        return Scope(validated, EXACT)
    own = principal.sources
    if not requested:  # a partner's default view: the sources its agreement covers
        return Scope(own, EXACT)
    if validated and set(validated) <= set(own):
        return Scope(validated, EXACT)
    raise AuthError(403, f"your agreement covers the sources {', '.join(own)} only")


def feed_scope(principal: Principal, requested: list[str] | None) -> list[str] | None:
    """The feeds' sources a caller may see on the coverage report (a partner: those its agreement covers)."""
    if principal.role != Role.PARTNER:
        return requested
    if requested and not set(requested) <= set(principal.sources):
        raise AuthError(403, f"your agreement covers the sources {', '.join(principal.sources)} only")
    return requested or list(principal.sources)


def visible_sources(principal: Principal) -> tuple[str, ...] | None:
    """The sources whose incident rows a caller may read (None: every source)."""
    return principal.sources if principal.role == Role.PARTNER else None
