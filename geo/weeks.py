"""Weekly periods: whole ISO weeks (Monday to Sunday) inside a span of months, comparisons and labels."""

from __future__ import annotations

from datetime import date, timedelta

from geo.trends import add_months

WEEK = timedelta(days=7)


def whole_weeks(start_month: date, end_month: date) -> list[date]:
    """Mondays of the whole weeks lying inside start_month..end_month (inclusive; first days of months)."""
    first_day, after = start_month, add_months(end_month, 1)
    monday = first_day + timedelta(days=(7 - first_day.weekday()) % 7)
    weeks = []
    while monday + WEEK <= after:
        weeks.append(monday)
        monday += WEEK
    return weeks


def previous_weeks(weeks: list[date]) -> list[date]:
    """The same number of weeks immediately before."""
    return [w - len(weeks) * WEEK for w in weeks]


def weeks_last_year(weeks: list[date]) -> list[date]:
    """The same weeks 52 weeks earlier (364 days: the weekdays line up)."""
    return [w - 52 * WEEK for w in weeks]


def week_label(monday: date) -> str:
    """ISO week label, e.g. 2025-W41."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def months_spanned(weeks: list[date]) -> tuple[date, date]:
    """First days of the first and last months the weeks touch."""
    last_day = weeks[-1] + timedelta(days=6)
    return weeks[0].replace(day=1), last_day.replace(day=1)
