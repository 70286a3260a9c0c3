"""The ASB Case Review threshold (Anti-social Behaviour, Crime and Policing Act 2014 s.104 and Schedule 4), as a pure
function of dates: a complaint qualifies when it was made within `complaint_months` of the behaviour it reports
(default one month) and within the `window_months` ending with the day of the application (default six months); the
threshold is met when at least `count` complaints qualify (default three). The local partnership may set its own
number and windows (the Act: no more than three complaints), read from settings at the entry points.

"Within one month of the behaviour": made on or before the same day of the next month (the month's last day when
it is shorter: behaviour on 31 January, a complaint by 28 February, or 29 February in a leap year). "In the six
months ending with the application": made after the same day six months before (the corresponding-date rule:
an application on 15 July counts complaints from 16 January to 15 July) and not after the application."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def shift_months(day: date, months: int) -> date:
    """The same day of the month `months` later (earlier when negative), or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class ThresholdRule:
    """How many qualifying complaints meet the threshold, and the two windows a complaint must fall in."""

    count: int = 3
    complaint_months: int = 1  # a complaint made within this many months of the behaviour qualifies ...
    window_months: int = 6  # ... when made in this many months ending with the application's day

    def describe(self) -> str:
        """The rule in words."""
        return (
            f"{self.count} or more complaints, each made within {self.complaint_months} month"
            f"{'s' if self.complaint_months != 1 else ''} of the behaviour it reports, in the {self.window_months} "
            "months ending with the day of the application"
        )

    def as_dict(self) -> dict[str, Any]:
        """The rule's numbers and words."""
        return {
            "count": self.count,
            "complaint_months": self.complaint_months,
            "window_months": self.window_months,
            "in_words": self.describe(),
        }


def window_start(rule: ThresholdRule, applied: date) -> date:
    """The first day a complaint counts for an application made on `applied`."""
    return shift_months(applied, -rule.window_months) + timedelta(days=1)


def why_not(rule: ThresholdRule, complained_on: date, behaviour_on: date, applied: date) -> str | None:
    """Why a complaint does not qualify for an application on `applied`, or None when it qualifies."""
    if behaviour_on > complained_on:
        return "the behaviour is dated after the complaint"
    if complained_on > shift_months(behaviour_on, rule.complaint_months):
        return f"made more than {rule.complaint_months} month(s) after the behaviour"
    if complained_on > applied:
        return "made after the application"
    if complained_on < window_start(rule, applied):
        return f"made before the {rule.window_months} months ending with the application"
    return None


def check(rule: ThresholdRule, applied: date, complaints: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The threshold for an application made on `applied` citing the complaints (each with `complained_on` and
    `behaviour_on`, and any other keys, kept): met or not, how many qualify, each complaint with why it does not."""
    judged = []
    for c in complaints:
        reason = why_not(rule, c["complained_on"], c["behaviour_on"], applied)
        judged.append({**c, "qualifies": reason is None, "why_not": reason})
    qualifying = sum(c["qualifies"] for c in judged)
    return {
        "met": qualifying >= rule.count,
        "qualifying": qualifying,
        "cited": len(judged),
        "window_from": window_start(rule, applied),
        "window_to": applied,
        "rule": rule.as_dict(),
        "complaints": judged,
    }
