"""The source coverage report: per feed and month, rows held by location precision, quarantine by reason, gaps."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, datetime
from threading import Lock
from typing import Any

from api.services.errors import ParameterError
from geo.gaps import Gap, GapRule, find_gaps
from ingest.schema import LocationPrecision
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read import FeedCoverage, by_month, merged, total

PRECISIONS = [p.value for p in LocationPrecision]


def _shares(precisions: Counter[str]) -> dict[str, float]:
    n = total(precisions)
    return {p: round(precisions[p] / n, 4) for p in PRECISIONS if precisions[p]} if n else {}


def _gap(g: Gap) -> dict[str, Any]:
    return {
        "month": f"{g.month:%Y-%m}",
        "kind": g.kind,
        "count": g.count,
        "expected": g.expected,
        "p_value": None if g.p_value is None else round(g.p_value, 6),
        "message": g.message,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _feed(cov: FeedCoverage, latest: date, rule: GapRule) -> dict[str, Any]:
    counts = by_month(cov)
    gaps = {g.month: g for g in find_gaps(counts, latest, cov.last_date, rule)}
    months = sorted({*counts, *(m for m in cov.quarantined if m is not None), *gaps})
    rows = []
    for month in months:
        rejected = cov.quarantined.get(month, Counter())
        gap = gaps.get(month)
        rows.append(
            {
                "month": f"{month:%Y-%m}",
                "loaded": counts.get(month, 0),
                "quarantined": total(rejected),
                "quarantine_reasons": dict(rejected.most_common()),
                "precision": _shares(cov.held.get(month, Counter())),
                "gap": None if gap is None else _gap(gap),
            }
        )
    all_rejected = merged(list(cov.quarantined.values()))
    held = merged(list(cov.held.values()))
    flagged = [_gap(g) for g in gaps.values() if g.kind != "lagging"]  # a lag is expected (police.uk), not a gap
    lagging = [g for g in gaps.values() if g.kind == "lagging"]
    return {
        "source": cov.source,
        "feed": cov.feed,
        "status": feed_status(flagged, bool(lagging)),
        "lagging": None if not lagging else {"months": len(lagging), "message": lagging[0].message},
        "first_month": f"{min(counts):%Y-%m}" if counts else None,
        "latest_month": f"{max(counts):%Y-%m}" if counts else None,
        "latest_event": _iso(cov.last_date),
        "last_loaded": _iso(cov.last_loaded),
        "files": cov.files,
        "loaded": total(held),
        "quarantined": total(all_rejected),
        "quarantined_month_unknown": total(cov.quarantined.get(None)),
        "quarantine_reasons": dict(all_rejected.most_common()),
        "precision": _shares(held),
        "gaps": flagged,
        "months": rows,
    }


def feed_status(flagged: list[dict[str, Any]], lagging: bool) -> str:
    """A feed's status: stopped (no rows for more than the lag allowed), gaps (months flagged), lagging (a month or
    two behind the latest month held, as police.uk always is), else ok."""
    if any(g["kind"] == "stopped" for g in flagged):
        return "stopped"
    return "gaps" if flagged else "lagging" if lagging else "ok"


def sources_report(con: Connection, rule: GapRule, sources: tuple[str, ...] = ()) -> dict[str, Any]:
    """Coverage and data quality of every feed held, with the months flagged as gaps."""
    latest = read.latest_month(con)
    feeds = [] if latest is None else [_feed(c, latest, rule) for c in read.feed_coverage(con, sources)]
    return {
        "latest_month": None if latest is None else f"{latest:%Y-%m}",
        "gap_rule": {
            "window_months": rule.window,
            "ratio": rule.ratio,
            "alpha": rule.alpha,
            "min_history_months": rule.min_history,
            "lag_months": rule.lag_months,
        },
        "flagged": sum(len(f["gaps"]) for f in feeds),
        "feeds": feeds,
    }


class ReportCache:
    """Sources reports by gap rule and sources, kept until the next ingest run (the report groups every incident)."""

    def __init__(self, size: int = 16) -> None:
        self._items: dict[tuple[int, GapRule, tuple[str, ...]], dict[str, Any]] = {}
        self._size = size
        self._lock = Lock()

    def get(self, con: Connection, rule: GapRule, sources: tuple[str, ...] = ()) -> dict[str, Any]:
        """The report for these sources as the store holds them now (a copy the caller may change)."""
        key = (read.store_version(con), rule, sources)
        with self._lock:
            found = self._items.get(key)
        if found is None:
            found = sources_report(con, rule, sources)
            with self._lock:
                self._items = {k: v for k, v in self._items.items() if k[0] == key[0]}  # older versions are stale
                if len(self._items) >= self._size:
                    self._items.clear()
                self._items[key] = found
        return copy.deepcopy(found)


def held_sources(con: Connection, requested: list[str] | None, shown: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The sources asked for, each of them held (() for every source). A source not held is named, with the
    sources held listed only as far as `shown` says (None: all of them, for analysts; else only these)."""
    if not requested:
        return ()
    held = read.distinct_values(con, "source")
    unknown = [s for s in requested if s not in held]
    if unknown:
        listed = [s for s in held if shown is None or s in shown]
        tail = f"; held: {', '.join(listed)}" if listed else ""
        raise ParameterError("source", f"no feed of source {', '.join(map(repr, unknown))}{tail}")
    return tuple(dict.fromkeys(requested))
