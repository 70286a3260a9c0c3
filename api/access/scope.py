"""What a caller may count on a route: which sources, whether its figures are exact, open or published, and (for a
published table) which categories and periods it may ask for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from api.access.capabilities import Capabilities
from api.access.disclosure import DisclosureRule, OpenFigures, Published
from api.access.policy import Grant
from api.access.principals import AuthError
from api.access.tables import COUNCIL, Held, admit_categories, admit_period, table_sources
from api.services.figures import EXACT, Figures


@dataclass(frozen=True)
class Scope:
    """The sources a request counts, how its counts are published, and whether it is a published table."""

    sources: tuple[str, ...]
    figures: Figures
    published: bool = False  # a published table: fixed sources, groups and periods, records not de-duplicated
    records_only: bool = False  # records counted as they are, never de-duplicated across sources

    @property
    def controlled(self) -> bool:
        """Whether it is a published table under disclosure control (fixed groups and periods)."""
        return self.published and not self.figures.exact

    def dedupe(self, asked: bool) -> bool:
        """Whether records linked across sources are counted once: when asked, and never for a published table or
        a caller counting its records as they are."""
        return asked and not (self.published or self.records_only)

    def period(self, start: date, end: date, chosen: bool, held: Callable[[], Held]) -> tuple[date, date] | None:
        """The published period for the months resolved, within the months `held` gives (None: the months stand as
        they are: exact figures, where a month not held is a true zero and tells nothing)."""
        return admit_period(start, end, chosen, held()) if self.controlled else None


def is_published(caps: Capabilities, requested: list[str]) -> bool:
    """Whether the caller counts a published table: always on a route that gives it disclosure-controlled figures
    only; on a route that gives its own sources in full, when it asks for sources beyond its agreement."""
    if caps.grant == Grant.DISCLOSED:
        return True
    return caps.grant == Grant.OWN and bool(requested) and not set(requested) <= set(caps.principal.sources)


def source_scope(
    caps: Capabilities,
    rule: DisclosureRule,
    requested: list[str],
    validate: Callable[[list[str]], tuple[str, ...]],
    held: Callable[[], tuple[str, ...]],
) -> Scope:
    """The sources counted and the figures strategy: exact for full grants and an agreement's own sources; for
    published tables, open figures for open data and cell-key perturbation for council records (api.access.tables)."""
    own = caps.principal.sources if caps.agreement else ()
    if is_published(caps, requested):
        sources, is_open = table_sources(requested, held(), rule.open_sources, own)
        return Scope(sources, OpenFigures(rule) if is_open else Published(rule), published=True, records_only=True)
    validated = validate([s for s in requested if s != COUNCIL])  # the sources asked for, each known (422 otherwise)
    if COUNCIL in requested:  # every council source held, as a name analysts and partners may use too
        council = tuple(s for s in held() if s not in rule.open_sources)
        validated = tuple(dict.fromkeys([*council, *(validated if len(requested) > 1 else ())]))
    if caps.grant == Grant.FULL:
        return Scope(validated, EXACT, records_only=caps.records_only)
    if not requested:  # a default view under an agreement: the sources it covers
        return Scope(own, EXACT, records_only=caps.records_only)
    if validated and set(validated) <= set(own):
        return Scope(validated, EXACT, records_only=caps.records_only)
    raise AuthError(403, f"your agreement covers the sources {', '.join(own)} only")


def request_scope(
    caps: Capabilities,
    rule: DisclosureRule,
    requested: list[str],
    categories: tuple[str, ...],
    validate: Callable[[list[str]], tuple[str, ...]],
    held: Callable[[], tuple[str, ...]],
) -> Scope:
    """What one request counts (source_scope); a published table under disclosure control admits one whole published
    category group only (api.access.tables)."""
    scope = source_scope(caps, rule, requested, validate, held)
    if scope.controlled:
        admit_categories(categories)
    return scope


def feed_scope(caps: Capabilities, requested: list[str] | None) -> list[str] | None:
    """The feeds' sources a caller may see on the coverage report (under an agreement: those it covers)."""
    if not caps.agreement:
        return requested
    sources = caps.principal.sources
    if requested and not set(requested) <= set(sources):
        raise AuthError(403, f"your agreement covers the sources {', '.join(sources)} only")
    return requested or list(sources)


def visible_sources(caps: Capabilities) -> tuple[str, ...] | None:
    """The sources whose incident rows a caller may read (None: every source)."""
    return caps.row_sources
