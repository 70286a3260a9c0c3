"""Comparing a period with another: which period, the change, and the conditional Poisson test."""

from __future__ import annotations

from datetime import date
from typing import Any

from geo.change import poisson_change_p
from geo.trends import add_months, change, previous_period
from ingest.store import read
from ingest.store.connection import Connection

POISSON_TEST = (
    "two-sided conditional Poisson test: given both totals, is this period's share different from what equal rates "
    "give (exact binomial)"
)


def comparison_period(start: date, end: date, compare: str) -> tuple[date, date]:
    """The period compared with: the one just before (`previous`) or the same months a year earlier (`last_year`)."""
    if compare == "last_year":
        return add_months(start, -12), add_months(end, -12)
    return previous_period(start, end)


def compared_with(total: int, before: int, alpha: float) -> dict[str, Any]:
    """This period's total against another's: the other total, the change, and the conditional Poisson test."""
    delta, pct = change(total, before)
    p = poisson_change_p(total, before)
    return {
        "held": True,
        "comparable": True,
        "total": before,
        "change": delta,
        "change_pct": pct,
        "p_value": float(f"{p:.3g}"),
        "significant": bool(p < alpha),
    }


def comparison_members(previous: dict[str, Any], last_year: dict[str, Any]) -> dict[str, Any]:
    """The members of a trend answer that compare it with the previous period and with last year, and the test."""
    return {
        "previous_total": previous["total"],
        "change": previous["change"],
        "change_pct": previous.get("change_pct"),
        "compared": {"previous_period": previous, "last_year": last_year},
        "test": POISSON_TEST,
    }


NOT_COMPARABLE = "not comparable: these months are not held for every source counted, so a change would be invented"


def months_held(con: Connection, sources: tuple[str, ...], start: date, end: date) -> bool:
    """Whether every source counted (every source held, when none is named) holds data from start to end."""
    extents = read.source_extents(con, sources)
    return bool(extents) and all(first <= start and end <= last for first, last in extents.values())


def not_held(con: Connection, sources: tuple[str, ...], start: date, end: date) -> str | None:
    """Why the months from start to end cannot be compared (one not held for every source counted), or None."""
    if months_held(con, sources, start, end):
        return None
    extents = read.source_extents(con, sources).values()
    first, last = (max(e[0] for e in extents), min(e[1] for e in extents)) if extents else (None, None)
    held = (
        f"every source counted is held from {first:%b %Y} to {last:%b %Y} only"
        if first and last and first <= last
        else "no month is held for every source counted"
    )
    return (
        f"not comparable: {held}, and the months compared run from {start:%b %Y} to {end:%b %Y}; months not held "
        "would read as months with no incidents, so a change would be invented"
    )


def held_months(con: Connection, sources: tuple[str, ...], months: list[date]) -> list[bool]:
    """Per month: whether every source counted (every source held, when none is named) holds it, as months_held."""
    extents = read.source_extents(con, sources).values()
    return [bool(extents) and all(first <= m <= last for first, last in extents) for m in months]


def not_comparable(start: str, end: str) -> dict[str, Any]:
    """A comparison with months that are not held: no total, no change, no test."""
    return {
        "from": start,
        "to": end,
        "held": False,
        "comparable": False,
        "total": None,
        "change": None,
        "change_pct": None,
        "p_value": None,
        "significant": None,
        "note": NOT_COMPARABLE,
    }
