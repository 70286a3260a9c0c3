"""What a caller may count on a route: which sources, and whether its figures are exact or published."""

from __future__ import annotations

from api.access.disclosure import DisclosureRule, Published
from api.access.policy import Grant
from api.access.principals import AuthError, Principal, Role
from api.services.figures import EXACT, Figures


def source_scope(
    principal: Principal, grant: Grant, rule: DisclosureRule, requested: bool, sources: tuple[str, ...]
) -> tuple[tuple[str, ...], Figures]:
    """The sources counted and the figures strategy: exact for analysts and a partner's own sources, published
    (disclosure control) for councillors, the public, and a partner counting across other sources."""
    if grant == Grant.FULL:
        return sources, EXACT
    if grant == Grant.DISCLOSED:
        return sources, Published(rule)
    own = principal.sources
    if not requested:  # a partner's default view: the sources its agreement covers
        return own, EXACT
    if sources and set(sources) <= set(own):
        return sources, EXACT
    if grant == Grant.OWN:
        return sources, Published(rule)
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
