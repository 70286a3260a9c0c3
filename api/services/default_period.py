"""Where the default period ends: the latest month every core source holds (police.uk by default, which lags council
feeds by a month or two), so a council month ahead of police.uk never moves the defaults into a month without it;
and what a new month of a feed will do to those defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection


@dataclass(frozen=True)
class DefaultEnd:
    """The default period's last month and why: the core sources held that decide it, and the sources counted that
    hold later months (left out of the default period until every core source holds them)."""

    month: date
    core: tuple[str, ...] = ()  # the core sources held (none held: the latest month held for the sources counted)
    ahead: tuple[tuple[str, date], ...] = ()  # (source, latest month) of the sources counted held past `month`

    def note(self, name_others: bool = True) -> str:
        """The rule in a sentence; sources are named only with `name_others` (callers told the sources held)."""
        if not self.core:
            return f"ends at {self.month:%Y-%m}, the latest month held"
        if not name_others:
            text = f"ends at {self.month:%Y-%m}, the latest month every core source holds"
            return f"{text}; later months of other sources are left out until then" if self.ahead else text
        held, verb = " and ".join(self.core), "hold" if len(self.core) > 1 else "holds"
        text = f"ends at {self.month:%Y-%m}, the latest month {held} {verb}"
        if not self.ahead:
            return text
        others = ", ".join(f"{s} to {m:%Y-%m}" for s, m in sorted(self.ahead))
        return f"{text}; later months ({others}) are left out until {held} {verb} {max(m for _, m in self.ahead):%Y-%m}"


def default_end(con: Connection, sources: tuple[str, ...], core: tuple[str, ...]) -> DefaultEnd | None:
    """The default period's last month for the sources counted (() for all): the latest month they hold, but no later
    than the latest month every core source held holds. None when the sources counted hold nothing."""
    latest = {s: last for s, (_, last) in read.source_extents(con).items()}
    counted = {s: latest[s] for s in (sources or tuple(latest)) if s in latest}
    if not counted:
        return None
    deciding = _deciding(latest, core)
    month = min([max(counted.values()), *(latest[s] for s in deciding)])
    return DefaultEnd(month, deciding, tuple(sorted((s, m) for s, m in counted.items() if m > month)))


def _deciding(latest: dict[str, date], core: tuple[str, ...]) -> tuple[str, ...]:
    """The core sources held."""
    return tuple(s for s in dict.fromkeys(core) if s in latest)


def _end(latest: dict[str, date], core: tuple[str, ...]) -> date:
    """The default end over every source: the core sources' common latest month, else the latest month held."""
    deciding = _deciding(latest, core)
    return min(latest[s] for s in deciding) if deciding else max(latest.values())


def lag_months(behind: date, ahead: date) -> int:
    """Whole months from `behind` to `ahead` (0 when ahead is not later)."""
    return max(0, (ahead.year - behind.year) * 12 + ahead.month - behind.month)


def month_words(first: date, last: date) -> str:
    """A span of months in words: "Jan-Dec 2025", "Feb 2025-Jan 2026", "Mar 2025"."""
    if first == last:
        return f"{first:%b %Y}"
    if first.year == last.year:
        return f"{first:%b}-{last:%b %Y}"
    return f"{first:%b %Y}-{last:%b %Y}"


def window_words(end: date, months: int) -> str:
    """The default window of `months` months ending at `end`, in words."""
    return month_words(add_months(end, -(months - 1)), end)


def new_month_effect(
    con: Connection, source: str, months: list[date], core: tuple[str, ...], default_months: int
) -> str | None:
    """What loading these months of a source does to the default period (every source counted), in a sentence, as
    the feed check tells it before the load (None: no month given)."""
    if not months:
        return None
    added, newest = ", ".join(f"{m:%Y-%m}" for m in sorted(months)), max(months)
    latest = {s: last for s, (_, last) in read.source_extents(con).items()}
    before = _end(latest, core) if latest else None
    after_load = latest | {source: max(latest.get(source, newest), newest)}
    after = _end(after_load, core)
    head = f"adds {added} for {source}"
    if before is None:
        return f"{head}; the default period becomes {window_words(after, default_months)}"
    if after != before:
        return f"{head}; the default period moves from {window_words(before, default_months)} to " + window_words(
            after, default_months
        )
    stays = f"{head}; the default period stays {window_words(before, default_months)}"
    waiting = [s for s in _deciding(after_load, core) if after_load[s] < newest]
    if not waiting:
        return stays
    verb = "hold" if len(waiting) > 1 else "holds"
    return f"{stays} until {' and '.join(waiting)} {verb} {newest:%Y-%m}"
