"""Flag months in which a feed went quiet: it stopped sending, sent nothing, or sent far fewer rows than usual.

The rule, per feed, over every month from its first month to the latest month any feed holds:

- **stopped**: months after the feed's last month with rows (it has not sent since), when that month is more than
  `lag_months` (2) before the latest month any feed holds;
- **lagging**: the same months when the feed is at most `lag_months` behind: police.uk publishes a month or two after
  council feeds, so a feed that far behind is late, not stopped (a lag is not a gap: the report lists it apart);
- **missing**: a month with no rows between months that have rows;
- **low**: a month whose count is below `ratio` (default half) of the median of the up to `window` (6) months
  with rows before it, and so far below it that a Poisson count with that median as its mean would be this low
  with probability under `alpha` (0.01). At least `min_history` (3) earlier months with rows are needed;
- **partial**: the feed's last month when its latest event time falls before the month's last few days (an
  export taken mid-month), reported instead of `low` because the shortfall is expected.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from scipy.stats import poisson

from geo.trends import add_months


@dataclass(frozen=True)
class GapRule:
    """Thresholds of the gap rule."""

    window: int = 6
    ratio: float = 0.5
    alpha: float = 0.01
    min_history: int = 3
    partial_days: int = 3  # an export ending more than this many days before month end is partial
    lag_months: int = 2  # a feed at most this many months behind the latest month held is lagging, not stopped


@dataclass(frozen=True)
class Gap:
    """One flagged month of a feed."""

    month: date
    kind: str  # stopped | lagging | missing | low | partial
    count: int
    expected: float | None
    p_value: float | None
    message: str


def _months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def _is_partial(month: date, last_event: datetime | None, rule: GapRule) -> bool:
    if last_event is None or last_event.date().replace(day=1) != month:
        return False
    days = calendar.monthrange(month.year, month.month)[1]
    return last_event.day < days - rule.partial_days


def find_gaps(
    counts: dict[date, int], latest: date, last_event: datetime | None = None, rule: GapRule | None = None
) -> list[Gap]:
    """Flagged months of one feed, in month order (counts: rows per month; latest: the store's latest month)."""
    rule = rule or GapRule()
    held = sorted(m for m, n in counts.items() if n > 0)
    if not held:
        return []
    last_held = held[-1]
    gaps: list[Gap] = []
    history: list[int] = []
    behind = len(_months(last_held, latest)) - 1
    for month in _months(held[0], max(latest, last_held)):
        n = counts.get(month, 0)
        if month > last_held and behind <= rule.lag_months:
            late = f"{behind} month{'s' if behind > 1 else ''} behind the latest month held"
            gaps.append(Gap(month, "lagging", 0, None, None, f"no rows since {last_held:%Y-%m}: {late}"))
            continue
        if month > last_held:
            gaps.append(Gap(month, "stopped", 0, None, None, f"no rows since {last_held:%Y-%m}"))
            continue
        if n == 0:
            gaps.append(Gap(month, "missing", 0, None, None, "no rows this month"))
            continue
        recent = history[-rule.window :]
        if len(recent) >= rule.min_history:
            expected = float(median(recent))
            p = float(poisson.cdf(n, expected))
            if n < rule.ratio * expected and p < rule.alpha:
                share = f"{n / expected:.0%}"
                if _is_partial(month, last_event, rule):
                    message = f"{n} rows ({share} of usual {expected:g}); rows only up to {last_event:%d %b}"
                    gaps.append(Gap(month, "partial", n, expected, p, message))
                else:
                    message = f"{n} rows, {share} of the usual {expected:g} (median of the {len(recent)} months before)"
                    gaps.append(Gap(month, "low", n, expected, p, message))
        history.append(n)
    return gaps
