"""The gap rule: stopped, missing, low and partial months, and no flags for ordinary noise."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from geo.gaps import GapRule, find_gaps
from geo.trends import add_months

START = date(2025, 1, 1)


def series(counts: list[int]) -> dict[date, int]:
    return {add_months(START, i): n for i, n in enumerate(counts)}


def test_a_steady_feed_has_no_gaps() -> None:
    assert find_gaps(series([100, 96, 104, 99, 101, 97, 103, 62]), add_months(START, 7)) == []


def test_a_month_far_below_the_recent_median_is_low_with_its_poisson_probability() -> None:
    gaps = find_gaps(series([100, 96, 104, 99, 101, 97, 103, 30]), add_months(START, 7))
    assert [(g.month, g.kind, g.count, g.expected) for g in gaps] == [(date(2025, 8, 1), "low", 30, 100.0)]
    # P(X <= 30) for X ~ Poisson(100) = exp(-100) * sum(100**k / k! for k <= 30), summed exactly
    assert gaps[0].p_value == pytest.approx(1.99179e-16, rel=1e-4, abs=0)
    assert "30% of the usual 100" in gaps[0].message


def test_small_counts_need_more_than_a_halving_to_be_flagged() -> None:
    # 1 against a median of 4 is a quarter, but P(X <= 1 | 4) = 0.092: ordinary for a sparse feed
    assert find_gaps(series([4, 3, 5, 4, 4, 1]), add_months(START, 5)) == []
    assert find_gaps(series([4, 3, 5, 4, 4, 1]), add_months(START, 5), rule=GapRule(alpha=0.1))[0].kind == "low"


def test_an_empty_month_between_months_with_rows_is_missing() -> None:
    gaps = find_gaps(series([50, 52, 0, 49]), add_months(START, 3))
    assert [(g.month, g.kind) for g in gaps] == [(date(2025, 3, 1), "missing")]


def test_a_feed_that_stopped_is_flagged_for_every_month_since() -> None:
    gaps = find_gaps(series([50, 52, 48, 51]), date(2025, 7, 1))
    assert [(g.month, g.kind) for g in gaps] == [(date(2025, m, 1), "stopped") for m in (5, 6, 7)]
    assert gaps[0].message == "no rows since 2025-04"


def test_a_mid_month_export_is_partial_not_low() -> None:
    counts = series([100, 96, 104, 99, 101, 35])
    gaps = find_gaps(counts, date(2025, 6, 1), last_event=datetime(2025, 6, 10, 17, 0))
    assert [(g.kind, g.count) for g in gaps] == [("partial", 35)]
    assert "10 Jun" in gaps[0].message
    # the same shortfall with rows to the month's end is low
    assert find_gaps(counts, date(2025, 6, 1), last_event=datetime(2025, 6, 29))[0].kind == "low"


def test_too_little_history_gives_no_low_flag() -> None:
    assert find_gaps(series([100, 98, 5]), add_months(START, 2)) == []


def test_a_feed_a_month_or_two_behind_is_lagging_not_stopped() -> None:
    """police.uk publishes a month or two after council feeds: late, not stopped (three months behind is stopped)."""
    one = find_gaps(series([50, 52, 48, 51]), date(2025, 5, 1))
    assert [(g.month, g.kind) for g in one] == [(date(2025, 5, 1), "lagging")]
    assert one[0].message == "no rows since 2025-04: 1 month behind the latest month held"
    two = find_gaps(series([50, 52, 48, 51]), date(2025, 6, 1))
    assert [g.kind for g in two] == ["lagging", "lagging"] and "2 months behind" in two[0].message
    assert [g.kind for g in find_gaps(series([50, 52, 48, 51]), date(2025, 6, 1), rule=GapRule(lag_months=1))] == [
        "stopped",
        "stopped",
    ]
