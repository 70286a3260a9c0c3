"""Monthly periods and series: month arithmetic, previous periods, zero-filled series, change."""

from __future__ import annotations

from datetime import date


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after (or before) month."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Number of months from start to end inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def month_range(start: date, end: date) -> list[date]:
    """Every month from start to end inclusive."""
    return [add_months(start, i) for i in range(max(months_between(start, end), 0))]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length immediately before start..end."""
    length = months_between(start, end)
    return add_months(start, -length), add_months(start, -1)


def zero_filled(start: date, end: date, months: list[date], counts: list[int]) -> list[tuple[date, int]]:
    """A monthly series over start..end with months that had no incidents set to zero."""
    seen = dict(zip(months, counts, strict=True))
    return [(m, int(seen.get(m, 0))) for m in month_range(start, end)]


def change(count: int, previous: int) -> tuple[int, float | None]:
    """Absolute change and percentage change (None when the previous count is zero)."""
    return count - previous, (round(100.0 * (count - previous) / previous, 1) if previous else None)
