"""Request dependencies: a store cursor per request, the caches, the caller, the common filters, the study area."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from api.access.principals import Principal, Role
from api.access.scope import source_scope
from api.access.tables import admit_categories, admit_period
from api.http.auth import grant_of, principal_of
from api.http.middleware import NONCE_KEY
from api.rules import disclosure_rule
from api.services.caches import Caches
from api.services.filters import (
    Filters,
    held_sources,
    month_of,
    requested_categories,
    requested_sources,
    resolve_filters,
)
from api.services.study_area import StudyArea, resolve_study_area
from api.settings import Settings
from ingest.store.connection import Connection

LAD_HELP = "local authority district: code or name (E06000002 or Middlesbrough)"
WARD_HELP = 'Ward in the boundary set (`wards`): code, name, or "name, district" when a name is shared'
MONTH_PATTERN = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"  # years 1900-2199


def get_con(request: Request) -> Iterator[Connection]:
    """A cursor on the store (or on its newest published snapshot) for one request, closed after it."""
    with request.app.state.store.reading() as cursor:
        yield cursor


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_caches(request: Request) -> Caches:
    """The caches the app keeps between requests."""
    caches: Caches = request.app.state.caches
    return caches


def get_script_nonce(request: Request) -> str:
    """This response's script nonce, named by its Content-Security-Policy (empty when no policy is sent)."""
    return str(getattr(request.state, NONCE_KEY, ""))


Con = Annotated[Connection, Depends(get_con)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CachesDep = Annotated[Caches, Depends(get_caches)]
NonceDep = Annotated[str, Depends(get_script_nonce)]
PrincipalDep = Annotated[Principal, Depends(principal_of)]


def listed_sources(principal: Principal) -> tuple[str, ...] | None:
    """The sources an error message may name to a caller: every one for analysts (None), a partner's own, none for
    councillors and the public (an error must not enumerate the sources held)."""
    return None if principal.role == Role.ANALYST else principal.sources


FromQuery = Annotated[
    str | None,
    Query(alias="from", pattern=MONTH_PATTERN, description="First month, YYYY-MM (default: 11 months before `to`)"),
]
ToQuery = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="Last month, YYYY-MM (default: latest month held)")
]
CategoryQuery = Annotated[
    list[str] | None,
    Query(
        description="Category or group (repeatable): a leaf such as `noise`, a group (`asb`, `asb-personal`, "
        "`asb-nuisance`, `asb-environmental`, `crime`), or `all`. Default: asb (every ASB category)"
    ),
]
SourceQuery = Annotated[
    list[str] | None,
    Query(description="Source (repeatable): police, warden, councillor, complaint, ...; default all"),
]
DedupeQuery = Annotated[
    bool, Query(description="Count records linked as one incident across sources once (false: raw counts)")
]
WardsQuery = Annotated[str | None, Query(description="Boundary set name; default: the store's default set")]


Months = tuple[str | None, str | None]


def requested_months(from_: FromQuery = None, to: ToQuery = None) -> Months:
    """The first and last month asked for as YYYY-MM (None: the default)."""
    return from_, to


@dataclass(frozen=True)
class FilterChoice:
    """The filters asked for besides the period."""

    category: list[str] | None
    source: list[str] | None
    dedupe: bool
    wards: str | None


def filter_choice(
    category: CategoryQuery = None, source: SourceQuery = None, dedupe: DedupeQuery = True, wards: WardsQuery = None
) -> FilterChoice:
    """category/source/dedupe/wards as asked."""
    return FilterChoice(category, source, dedupe, wards)


def resolve_request_filters(
    request: Request, con: Connection, settings: Settings, months: Months, choice: FilterChoice
) -> Filters:
    """Validate and resolve the period and category/source/wards into one filter, with the caller's figures
    strategy; below analyst, only the published tables (api.access.tables)."""
    from_, to = months
    categories = requested_categories(choice.category)
    scope = source_scope(
        principal_of(request),
        grant_of(request),
        disclosure_rule(settings),
        choice.source or [],
        lambda wanted: requested_sources(con, wanted or None, listed_sources(principal_of(request))),
        lambda: held_sources(con),
    )
    if scope.published and not scope.figures.exact:
        admit_categories(categories)
    # a partner counts its records as they are (de-duplication leans on links to other agencies' records, so counts
    # with and without it would tell how many of its records those agencies hold too); published tables count records
    records_only = scope.published or principal_of(request).role == Role.PARTNER
    filters = resolve_filters(
        con,
        start=month_of(from_),
        end=month_of(to),
        categories=categories,
        sources=scope.sources,
        dedupe=choice.dedupe and not records_only,
        boundary_set=choice.wards,
        default_months=settings.default_months,
        figures=scope.figures,
    )
    if scope.published and not scope.figures.exact:
        f = filters.incident
        filters = filters.months(*admit_period(f.start, f.end, chosen=from_ is not None or to is not None))
    return filters


MonthsDep = Annotated[Months, Depends(requested_months)]
FilterChoiceDep = Annotated[FilterChoice, Depends(filter_choice)]


def get_filters(
    request: Request, con: Con, settings: SettingsDep, months: MonthsDep, choice: FilterChoiceDep
) -> Filters:
    """The common filters: from/to, category, source, dedupe and wards (at /ogc, `datetime` gives the months)."""
    return resolve_request_filters(request, con, settings, months, choice)


FiltersDep = Annotated[Filters, Depends(get_filters)]


def get_study_area(
    con: Con,
    force: Annotated[
        str | None, Query(description="Police force area: code (E23000013), name or slug (devon-and-cornwall)")
    ] = None,
    csp: Annotated[str | None, Query(description="Community safety partnership: code or name")] = None,
    lad: Annotated[str | None, Query(description=LAD_HELP)] = None,
) -> StudyArea:
    """The study area of a statistics request."""
    return resolve_study_area(con, force, csp, lad)


StudyAreaDep = Annotated[StudyArea, Depends(get_study_area)]
