"""Request dependencies: a store cursor per request, the caches, the caller, the common filters, the study area."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from api.access.capabilities import Capabilities
from api.access.principals import Principal
from api.access.scope import request_scope
from api.http.auth import capabilities_of, principal_of
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
from ingest.store import read
from ingest.store.connection import Connection

LAD_HELP = "local authority district: code or name (E06000002 or Middlesbrough)"
WARD_HELP = 'Ward in the boundary set (`wards`): code, name, or "name, district" when a name is shared'
MONTH_PATTERN = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"  # years 1900-2199


async def get_con(request: Request) -> AsyncIterator[Connection]:
    """A cursor on the store (or on its newest published snapshot) for one request, closed after it. Taken and
    closed on the event loop (a cursor is a few microseconds; a sync generator would cost two worker-thread hand-offs
    a request); the request's queries run in its worker thread."""
    with request.app.state.store.reading() as cursor:
        yield cursor


# Dependencies below that only read the request or the app's state are coroutines: FastAPI runs a plain function
# dependency in a worker thread, a hand-off of 50 microseconds of CPU or more each (docs/scale.md)


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_caches(request: Request) -> Caches:
    """The caches the app keeps between requests."""
    caches: Caches = request.app.state.caches
    return caches


async def get_script_nonce(request: Request) -> str:
    """This response's script nonce, named by its Content-Security-Policy (empty when no policy is sent)."""
    return str(getattr(request.state, NONCE_KEY, ""))


Con = Annotated[Connection, Depends(get_con)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CachesDep = Annotated[Caches, Depends(get_caches)]
NonceDep = Annotated[str, Depends(get_script_nonce)]
PrincipalDep = Annotated[Principal, Depends(principal_of)]
CapabilitiesDep = Annotated[Capabilities, Depends(capabilities_of)]


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


async def requested_months(from_: FromQuery = None, to: ToQuery = None) -> Months:
    """The first and last month asked for as YYYY-MM (None: the default)."""
    return from_, to


@dataclass(frozen=True)
class FilterChoice:
    """The filters asked for besides the period."""

    category: list[str] | None
    source: list[str] | None
    dedupe: bool
    wards: str | None


async def filter_choice(
    category: CategoryQuery = None, source: SourceQuery = None, dedupe: DedupeQuery = True, wards: WardsQuery = None
) -> FilterChoice:
    """category/source/dedupe/wards as asked."""
    return FilterChoice(category, source, dedupe, wards)


def resolve_request_filters(
    request: Request, con: Connection, settings: Settings, months: Months, choice: FilterChoice
) -> Filters:
    """Validate and resolve the period and category/source/wards into one filter, with the caller's figures
    strategy and the tables it may read (api.access.scope: below a full grant, the published tables)."""
    from_, to = months
    caps = capabilities_of(request)
    categories = requested_categories(choice.category)
    scope = request_scope(
        caps,
        disclosure_rule(settings),
        choice.source or [],
        categories,
        lambda wanted: requested_sources(con, wanted or None, caps.listed_sources),
        lambda: held_sources(con),
    )
    filters = resolve_filters(
        con,
        start=month_of(from_),
        end=month_of(to),
        categories=categories,
        sources=scope.sources,
        dedupe=scope.dedupe(choice.dedupe),
        boundary_set=choice.wards,
        default_months=settings.default_months,
        figures=scope.figures,
        core=tuple(settings.core_sources),
    )
    f = filters.incident
    chosen = from_ is not None or to is not None
    published_period = scope.period(f.start, f.end, chosen, held=lambda: read.month_extent(con, scope.sources))
    return filters if published_period is None else filters.months(*published_period)


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
