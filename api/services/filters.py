"""The common filters of every question (period, categories, sources, de-duplication, boundary set), resolved."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from api.services.default_period import DefaultEnd, default_end
from api.services.errors import ParameterError
from api.services.figures import EXACT, Figures
from geo.trends import add_months, previous_period
from ingest.schema import DEFAULT_CATEGORIES, Source
from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import FILTER_CHOICES, expand_categories

ALL = "all"


@dataclass(frozen=True)
class Filters:
    """The resolved common filters of a question, and how its counts are published."""

    incident: read.IncidentFilter
    boundary_set: str
    categories: tuple[str, ...] = ()  # as requested (leaves or groups); the incident filter holds their leaves
    figures: Figures = field(default=EXACT)
    default_end: DefaultEnd | None = None  # why the period ends where it does, when no end was asked for
    previous: tuple[date, date] = field(init=False)  # the period of the same length immediately before

    def __post_init__(self) -> None:
        object.__setattr__(self, "previous", previous_period(self.incident.start, self.incident.end))

    def echo(self) -> dict[str, object]:
        """The filters as applied, for response metadata."""
        f = self.incident
        return {
            "from": f.start.strftime("%Y-%m"),
            "to": f.end.strftime("%Y-%m"),
            "category": list(self.categories) or [ALL],
            "source": list(self.figures.sources_as or f.sources) or [ALL],
            "dedupe": f.dedupe,
            "wards": self.boundary_set,
            "disclosure": self.figures.describe(),
        }

    def months(self, start: date, end: date) -> Filters:
        """The same filters over other months."""
        return replace(self, incident=replace(self.incident, start=start, end=end))

    def only(self, **changes: object) -> Filters:
        """The same filters with incident-filter fields changed (sources, lad, categories)."""
        return replace(self, incident=replace(self.incident, **changes))  # type: ignore[arg-type]


def month_of(text: str | None) -> date | None:
    """The first day of a YYYY-MM month (None stays None)."""
    return None if text is None else date(int(text[:4]), int(text[5:7]), 1)


def choices(values: list[str], allowed: list[str], name: str) -> tuple[str, ...]:
    """The distinct values asked for, all of them allowed; `all` (or nothing) gives ()."""
    if ALL in values:
        return ()
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ParameterError(
            name, f"unknown {name} {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)} or {ALL}"
        )
    return tuple(dict.fromkeys(values))


def requested_categories(category: list[str] | None) -> tuple[str, ...]:
    """The categories or groups asked for (default: every ASB category)."""
    return choices(category or list(DEFAULT_CATEGORIES), list(FILTER_CHOICES), "category")


def requested_sources(
    con: Connection, source: list[str] | None, shown: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    """The sources asked for, known to AIM or held in the store (() for all). An unknown source is named, and the
    sources to choose from are listed only as far as `shown` says: None, every source known or held (analysts);
    otherwise only these (a partner's own), and with none, no list but where sources are described."""
    known = [s.value for s in Source]
    if source and not set(source) <= {*known, ALL}:  # a source of a feed's own naming: ask the store
        known = list(dict.fromkeys([*known, *read.distinct_values(con, "source")]))
    unknown = [v for v in source or () if v != ALL and v not in known]
    if unknown and shown is not None:
        hint = f"your agreement covers {', '.join(shown)}" if shown else "the sources are described at /docs"
        raise ParameterError("source", f"unknown source {', '.join(map(repr, unknown))}; {hint}")
    return choices(source or [ALL], known, "source")


def held_sources(con: Connection) -> tuple[str, ...]:
    """The sources the store holds records of."""
    return tuple(read.distinct_values(con, "source"))


def resolve_filters(
    con: Connection,
    *,
    start: date | None,
    end: date | None,
    categories: tuple[str, ...],
    sources: tuple[str, ...],
    dedupe: bool = True,
    boundary_set: str | None = None,
    default_months: int = 12,
    figures: Figures = EXACT,
    core: tuple[str, ...] = (),
) -> Filters:
    """Filters over a period (default: the `default_months` ending at the latest month held for the sources, and no
    later than the latest month every `core` source holds: api.services.default_period)."""
    found = None
    if end is None:
        found = default_end(con, sources, core)
        end = found.month if found else date.today().replace(day=1)
        if start is not None and start > end:
            end, found = start, None
    if start is None:
        start = add_months(end, -(default_months - 1))
    if start > end:
        raise ParameterError("from", f"from ({start:%Y-%m}) is after to ({end:%Y-%m})")
    if (end.year - start.year) > 50:
        raise ParameterError("from", "period longer than 50 years")
    incident = read.IncidentFilter(
        start=start, end=end, categories=expand_categories(categories), sources=sources, dedupe=dedupe
    )
    return Filters(incident, read.resolve_boundary_set(con, boundary_set), categories, figures, found)
