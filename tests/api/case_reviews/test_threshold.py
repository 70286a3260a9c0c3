"""The Case Review threshold on hand-worked dates: exactly one month after the behaviour, exactly six months before
the application, month ends and leap years, the local number and windows."""

from __future__ import annotations

from datetime import date

import pytest

from api.services.case_review_threshold import ThresholdRule, check, shift_months, why_not, window_start

RULE = ThresholdRule()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # February is shorter: its last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2025, 8, 31), -6, date(2025, 2, 28)),
        (date(2024, 8, 31), -6, date(2024, 2, 29)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # across a year
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_months_are_counted_to_the_corresponding_day(day: date, months: int, expected: date) -> None:
    assert shift_months(day, months) == expected


def test_a_complaint_made_exactly_one_month_after_the_behaviour_qualifies_and_a_day_later_does_not() -> None:
    applied = date(2025, 6, 30)
    assert why_not(RULE, date(2025, 3, 15), date(2025, 2, 15), applied) is None
    assert (
        why_not(RULE, date(2025, 3, 16), date(2025, 2, 15), applied) == "made more than 1 month(s) after the behaviour"
    )
    # behaviour on 31 January: 28 February is the last day (2025), 29 February in a leap year
    assert why_not(RULE, date(2025, 2, 28), date(2025, 1, 31), date(2025, 3, 1)) is None
    assert why_not(RULE, date(2025, 3, 1), date(2025, 1, 31), date(2025, 3, 1)) is not None
    assert why_not(RULE, date(2024, 2, 29), date(2024, 1, 31), date(2024, 3, 1)) is None
    assert why_not(RULE, date(2024, 3, 1), date(2024, 1, 31), date(2024, 3, 1)) is not None


def test_the_six_months_end_with_the_application() -> None:
    applied = date(2025, 7, 15)
    assert window_start(RULE, applied) == date(2025, 1, 16)
    assert why_not(RULE, date(2025, 1, 16), date(2025, 1, 10), applied) is None  # the first day of the window
    assert why_not(RULE, date(2025, 1, 15), date(2025, 1, 10), applied) is not None  # exactly six months before
    assert why_not(RULE, date(2025, 7, 15), date(2025, 7, 15), applied) is None  # on the day of the application
    assert why_not(RULE, date(2025, 7, 16), date(2025, 7, 15), applied) == "made after the application"
    assert window_start(RULE, date(2024, 8, 31)) == date(2024, 3, 1)  # 29 Feb 2024 is six months before
    assert window_start(RULE, date(2025, 8, 31)) == date(2025, 3, 1)


def test_three_qualifying_complaints_meet_the_threshold_and_two_do_not() -> None:
    applied = date(2025, 7, 15)
    cited = [
        {"complained_on": date(2025, 2, 1), "behaviour_on": date(2025, 1, 20), "ref": "a"},
        {"complained_on": date(2025, 4, 2), "behaviour_on": date(2025, 4, 1), "ref": "b"},
        {"complained_on": date(2025, 6, 30), "behaviour_on": date(2025, 5, 1), "ref": "c"},  # two months late
        {"complained_on": date(2025, 7, 1), "behaviour_on": date(2025, 6, 20), "ref": "d"},
    ]
    found = check(RULE, applied, cited)
    assert (found["met"], found["qualifying"], found["cited"]) == (True, 3, 4)
    assert [c["ref"] for c in found["complaints"] if not c["qualifies"]] == ["c"]
    assert check(RULE, applied, cited[1:])["met"] is False
    assert check(RULE, applied, [])["qualifying"] == 0


def test_the_local_number_and_windows_are_the_partnerships() -> None:
    cited = [
        {"complained_on": date(2025, 2, 1), "behaviour_on": date(2024, 12, 20)},  # six weeks after the behaviour
        {"complained_on": date(2025, 6, 1), "behaviour_on": date(2025, 5, 30)},
    ]
    assert check(RULE, date(2025, 7, 15), cited)["qualifying"] == 1
    local = ThresholdRule(count=2, complaint_months=2, window_months=6)
    assert check(local, date(2025, 7, 15), cited)["met"] is True
    assert "2 or more complaints, each made within 2 months" in local.describe()
