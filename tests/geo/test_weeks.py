"""Whole ISO weeks inside months, the weeks compared with, and labels."""

from __future__ import annotations

from datetime import date, timedelta

from geo.weeks import months_spanned, previous_weeks, week_label, weeks_last_year, whole_weeks


def test_whole_weeks_of_2025_leave_out_the_weeks_crossing_the_year() -> None:
    weeks = whole_weeks(date(2025, 1, 1), date(2025, 12, 1))
    assert weeks[0] == date(2025, 1, 6)  # 1 Jan 2025 is a Wednesday: the week of 30 Dec is not whole
    assert weeks[-1] == date(2025, 12, 22)  # the week of 29 Dec runs into 2026
    assert len(weeks) == 51 and all(w.weekday() == 0 for w in weeks)
    assert all(b - a == timedelta(days=7) for a, b in zip(weeks, weeks[1:], strict=False))
    assert week_label(weeks[0]) == "2025-W02" and week_label(weeks[-1]) == "2025-W52"


def test_a_month_starting_on_a_monday_and_one_too_short() -> None:
    assert whole_weeks(date(2025, 9, 1), date(2025, 9, 1)) == [date(2025, 9, d) for d in (1, 8, 15, 22)]
    assert len(whole_weeks(date(2026, 2, 1), date(2026, 2, 1))) == 3  # Feb 2026: Sun 1st, Mon 2nd .. Sun 22nd
    assert week_label(date(2024, 12, 30)) == "2025-W01"  # ISO years


def test_compared_weeks_keep_the_weekday_and_the_length() -> None:
    weeks = whole_weeks(date(2025, 10, 1), date(2025, 12, 1))
    before = previous_weeks(weeks)
    assert len(before) == len(weeks) and before[-1] + timedelta(days=7) == weeks[0]
    last_year = weeks_last_year(weeks)
    assert all(w.weekday() == 0 for w in last_year) and last_year[0] == weeks[0] - timedelta(days=364)
    assert months_spanned(weeks) == (date(2025, 10, 1), date(2025, 12, 1))
    assert months_spanned([date(2025, 9, 29)]) == (date(2025, 9, 1), date(2025, 10, 1))
