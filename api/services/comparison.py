"""Comparing a period with another: which period, the change, and the conditional Poisson test."""

from __future__ import annotations

from datetime import date
from typing import Any

from geo.change import poisson_change_p
from geo.trends import add_months, change, previous_period

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
        "change_pct": previous["change_pct"],
        "compared": {"previous_period": previous, "last_year": last_year},
        "test": POISSON_TEST,
    }
