"""Request dependencies: a store cursor per request and the common filter parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from api.auth import AuthError, Grant, grant_of, principal_of
from api.disclosure import DisclosureRule
from api.errors import ParameterError
from api.settings import Settings
from geo.trends import add_months
from ingest.schema import DEFAULT_CATEGORIES, Source
from ingest.store.boundaries import resolve_boundary_set
from ingest.store.connection import Connection
from ingest.store.queries import IncidentFilter, distinct_values, month_extent
from ingest.taxonomy import FILTER_CHOICES, expand_categories

MONTH_PATTERN = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"  # years 1900-2199
ALL = "all"


def get_con(request: Request) -> Iterator[Connection]:
    """A cursor on the app's store connection, closed after the request."""
    cursor = request.app.state.con.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


Con = Annotated[Connection, Depends(get_con)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Filters:
    """The resolved common filters of a request."""

    incident: IncidentFilter
    boundary_set: str
    categories: tuple[str, ...] = ()  # as requested (leaves or groups); the filter holds their leaves
    disclosure: DisclosureRule | None = None  # set below analyst: publish counts under disclosure control

    def echo(self) -> dict[str, object]:
        """The filters as applied, for response metadata."""
        f = self.incident
        return {
            "from": f.start.strftime("%Y-%m"),
            "to": f.end.strftime("%Y-%m"),
            "category": list(self.categories) or [ALL],
            "source": list(f.sources) or [ALL],
            "dedupe": f.dedupe,
            "wards": self.boundary_set,
            "disclosure": None
            if self.disclosure is None
            else {
                "suppressed_below": self.disclosure.threshold,
                "rounded_to": self.disclosure.base,
                "rule": "cell-key perturbation, suppression and rounding (README: disclosure control)",
            },
        }


def _month(value: str | None) -> date | None:
    return None if value is None else date(int(value[:4]), int(value[5:7]), 1)


def _choices(values: list[str], allowed: list[str], name: str) -> tuple[str, ...]:
    if ALL in values:
        return ()
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ParameterError(
            name, f"unknown {name} {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)} or {ALL}"
        )
    return tuple(dict.fromkeys(values))


def disclosure_rule(settings: Settings) -> DisclosureRule:
    """The disclosure rule with the thresholds from settings."""
    return DisclosureRule(settings.sdc_threshold, settings.sdc_round, settings.sdc_max_res)


def access_to_sources(
    request: Request, settings: Settings, requested: list[str] | None, sources: tuple[str, ...]
) -> tuple[tuple[str, ...], DisclosureRule | None]:
    """The sources a caller may count on this route, and the disclosure rule to apply (None: exact figures)."""
    grant, principal = grant_of(request), principal_of(request)
    if grant == Grant.FULL:
        return sources, None
    if grant == Grant.DISCLOSED:
        return sources, disclosure_rule(settings)
    own = principal.sources
    if not requested:  # a partner's default view: the sources its agreement covers
        return own, None
    if sources and set(sources) <= set(own):
        return sources, None
    if grant == Grant.OWN:
        return sources, disclosure_rule(settings)
    raise AuthError(403, f"your agreement covers the sources {', '.join(own)} only")


def get_filters(
    request: Request,
    con: Con,
    settings: Annotated[Settings, Depends(get_settings)],
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=MONTH_PATTERN,
            description="First month, YYYY-MM (default: 11 months before `to`)",
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(pattern=MONTH_PATTERN, description="Last month, YYYY-MM (default: latest month held)"),
    ] = None,
    category: Annotated[
        list[str] | None,
        Query(
            description="Category or group (repeatable): a leaf such as `noise`, a group (`asb`, `asb-personal`, "
            "`asb-nuisance`, `asb-environmental`, `crime`), or `all`. Default: asb (every ASB category)"
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        Query(description="Source (repeatable): police, warden, councillor, complaint, ...; default all"),
    ] = None,
    dedupe: Annotated[
        bool, Query(description="Count records linked as one incident across sources once (false: raw counts)")
    ] = True,
    wards: Annotated[str | None, Query(description="Boundary set name; default: the store's default set")] = None,
) -> Filters:
    """Validate and resolve from/to/category/source/wards into one filter."""
    requested = _choices(category or list(DEFAULT_CATEGORIES), list(FILTER_CHOICES), "category")
    categories = expand_categories(requested)
    known = [s.value for s in Source]
    if source and not set(source) <= {*known, ALL}:  # a source of a feed's own naming: ask the store
        known = list(dict.fromkeys([*known, *distinct_values(con, "source")]))
    sources, disclosure = access_to_sources(request, settings, source, _choices(source or [ALL], known, "source"))
    end = _month(to)
    start = _month(from_)
    if end is None:
        latest = month_extent(con, sources)[1]
        end = latest.replace(day=1) if latest else date.today().replace(day=1)
        if start is not None and start > end:
            end = start
    if start is None:
        start = add_months(end, -(settings.default_months - 1))
    if start > end:
        raise ParameterError("from", f"from ({start:%Y-%m}) is after to ({end:%Y-%m})")
    if (end.year - start.year) > 50:
        raise ParameterError("from", "period longer than 50 years")
    return Filters(
        IncidentFilter(start=start, end=end, categories=categories, sources=sources, dedupe=dedupe),
        resolve_boundary_set(con, wards),
        requested,
        disclosure,
    )


FiltersDep = Annotated[Filters, Depends(get_filters)]
