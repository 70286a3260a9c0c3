"""Month arithmetic and series helpers."""

from __future__ import annotations

from datetime import date

from geo.trends import add_months, change, month_range, months_between, previous_period, zero_filled


def test_month_arithmetic_crosses_years() -> None:
    assert add_months(date(2025, 1, 1), -1) == date(2024, 12, 1)
    assert add_months(date(2025, 11, 1), 14) == date(2027, 1, 1)
    assert months_between(date(2024, 11, 1), date(2025, 2, 1)) == 4


def test_previous_period_has_the_same_length() -> None:
    assert previous_period(date(2025, 10, 1), date(2025, 12, 1)) == (date(2025, 7, 1), date(2025, 9, 1))
    assert previous_period(date(2025, 1, 1), date(2025, 12, 1)) == (date(2024, 1, 1), date(2024, 12, 1))


def test_zero_filled_series_and_change() -> None:
    months = month_range(date(2025, 1, 1), date(2025, 4, 1))
    series = zero_filled(months[0], months[-1], [months[1], months[3]], [5, 7])
    assert series == [(months[0], 0), (months[1], 5), (months[2], 0), (months[3], 7)]
    assert change(12, 10) == (2, 20.0)
    assert change(3, 0) == (3, None)
