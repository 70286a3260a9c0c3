"""The published tables: what a caller below analyst may count, fixed in advance.

- **Sources**: `police` (police.uk, already public: counted as it is) or `council` (every other source held,
  together; for a partner, every other agency's source). The two are never summed in one published count, so no
  published count has an addend the public can compute from open data.
- **Categories** (council table): one whole group: all ASB, all crime, or everything. Not the Home Office strands:
  `asb` is their sum, so beside it they would be a second, independently perturbed reading of the same counts
  (docs/who-sees-what.md).
- **Periods** (council table): one month, a calendar quarter, or twelve months ending at a quarter's end, within
  the months the table holds (a window running past them would count a shorter, unpublished span).
- **Records**, not incidents: no de-duplication across sources (links to other agencies' records stay inside).
- **Places**: whole wards and whole hexagons (bbox selects them, never cuts them: api.services.layers).
"""

from __future__ import annotations

from datetime import date

from api.services.errors import ParameterError
from geo.trends import add_months

COUNCIL = "council"
PUBLISHED_GROUPS = ("asb", "crime")  # not the strands: beside `asb`, their sum, each would be a second reading
ALL = "all"
WINDOWS = (1, 3, 12)
SOURCES_HELP = (
    "below analyst, counts are published for source=police (police.uk open data, as published) or source=council "
    "(every council source together); the two are never summed in one count"
)
CATEGORIES_HELP = f"below analyst, council records are counted by one whole group: {', '.join(PUBLISHED_GROUPS)} or all"
PERIOD_HELP = (
    "below analyst, council records are counted by month, calendar quarter, or twelve months ending at a quarter's "
    "end (e.g. from=2025-01&to=2025-12)"
)


def table_sources(
    requested: list[str], held: tuple[str, ...], open_sources: tuple[str, ...], own: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], bool]:
    """The sources a published table counts and whether it is the open table (default: the open sources held)."""
    wanted = set(requested) - {ALL}
    if not wanted:  # the default: police.uk data when held, else the council table
        wanted = set(open_sources) & set(held) or {COUNCIL}
    if wanted and wanted <= set(open_sources):
        return tuple(s for s in open_sources if s in wanted), True
    if wanted == {COUNCIL}:
        council = tuple(s for s in held if s not in open_sources and s not in own)
        if not council:
            raise ParameterError("source", "no council source is held")
        return council, False
    unknown = sorted(wanted - {*open_sources, COUNCIL, *own})
    named = f"unknown source {', '.join(map(repr, unknown))}; " if unknown else ""
    covered = f"your agreement covers {', '.join(own)} (asked for alone); " if own else ""
    raise ParameterError("source", f"{named}{covered}{SOURCES_HELP} (see /docs)")


def admit_categories(categories: tuple[str, ...]) -> None:
    """Refuse category filters that are not one whole published group (() stands for every category)."""
    if len(categories) > 1 or (categories and categories[0] not in PUBLISHED_GROUPS):
        raise ParameterError("category", CATEGORIES_HELP)


def quarter_end(month: date) -> date:
    """The last month of the calendar quarter ending at or before month."""
    return add_months(month, -(month.month % 3))


def admit_period(start: date, end: date, chosen: bool, held: Held = (None, None)) -> tuple[date, date]:
    """The published period: the one asked for when it is a published shape within the months held, or (when the
    caller chose none) the default window (default_window)."""
    if not chosen:
        return default_window(end, held)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months not in WINDOWS or (months > 1 and end.month % 3):
        raise ParameterError("from", PERIOD_HELP)
    admit_held_window(start, end, held)
    return start, end


Held = tuple[date | None, date | None]  # the first and last month a table holds (None: nothing held)


def admit_held_window(start: date, end: date, held: Held) -> None:
    """Refuse a published window that runs past the months the table holds: it would count a shorter span than it
    names (an unpublished shape), and equal the shorter window's value exactly whenever the extra months are empty."""
    first, last = (m.replace(day=1) if m else None for m in held)
    if first is None or last is None:
        return
    if start < first or end > last:
        raise ParameterError(
            "from" if start < first else "to",
            f"below analyst, council records are counted over the months held only, {first:%Y-%m} to {last:%Y-%m}: "
            f"{start:%Y-%m} to {end:%Y-%m} runs past them (a month, a calendar quarter, or twelve months ending at a "
            "quarter's end, within those months)",
        )


def default_window(end: date, held: Held) -> tuple[date, date]:
    """The default published window: the twelve months ending at the latest quarter's end held, or failing that
    (fewer months held) the latest calendar quarter held, or the latest month held."""
    first = held[0].replace(day=1) if held[0] else None
    q_end = quarter_end(end)
    for months, last in ((12, q_end), (3, q_end), (1, end)):
        start = add_months(last, -(months - 1))
        if first is None or start >= first:
            return start, last
    return end, end
