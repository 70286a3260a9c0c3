"""Per feed and month: rows held by location precision, rows quarantined by reason, and when each feed last loaded."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from ingest.errors import reason_kind
from ingest.store.connection import Connection


@dataclass
class FeedCoverage:
    """One feed's rows per month by precision, quarantine per month by reason, and its loading history."""

    source: str
    feed: str
    held: dict[date, Counter[str]] = field(default_factory=dict)  # month -> precision -> rows
    quarantined: dict[date | None, Counter[str]] = field(default_factory=dict)  # month (None: unknown) -> reason
    last_loaded: datetime | None = None
    last_date: datetime | None = None  # latest event time held, where the feed has times
    files: int = 0


def _sources_clause(sources: tuple[str, ...], column: str) -> tuple[str, list[object]]:
    if not sources:
        return "", []
    return f"WHERE {column} IN ({', '.join('?' for _ in sources)})", list(sources)


def feed_coverage(con: Connection, sources: tuple[str, ...] = ()) -> list[FeedCoverage]:
    """Coverage of every feed held (of the given sources), ordered by source then feed."""
    feeds: dict[tuple[str, str], FeedCoverage] = {}

    def get(source: str, feed: str) -> FeedCoverage:
        return feeds.setdefault((source, feed), FeedCoverage(source, feed))

    plain_where, params = _sources_clause(sources, "source")
    held = con.execute(
        f"""SELECT source, feed, month, location_precision, count(*), max(occurred_at) FROM incidents {plain_where}
            GROUP BY ALL""",  # noqa: S608 (fixed fragments; values are ? parameters)
        params,
    ).fetchall()
    for source, feed, month, precision, n, last in held:
        cov = get(source, feed)
        cov.held.setdefault(month, Counter())[precision] += int(n)
        if last is not None and (cov.last_date is None or last > cov.last_date):
            cov.last_date = last
    run_where, _ = _sources_clause(sources, "r.source")
    rejected = con.execute(
        f"""SELECT r.source, r.feed, q.month, q.reason, count(*) FROM quarantine q
            JOIN ingest_runs r ON r.run_id = q.run_id {run_where} GROUP BY ALL""",  # noqa: S608 (fixed fragments)
        params,
    ).fetchall()
    for source, feed, month, reason, n in rejected:
        get(source, feed).quarantined.setdefault(month, Counter())[reason_kind(reason)] += int(n)
    runs = con.execute(
        f"""SELECT source, feed, max(finished_at), count(DISTINCT file_sha256) FROM ingest_runs {plain_where}
            GROUP BY ALL""",  # noqa: S608 (fixed fragments; values are ? parameters)
        params,
    ).fetchall()
    for source, feed, last_loaded, files in runs:
        if (source, feed) in feeds:
            feeds[(source, feed)].last_loaded = last_loaded
            feeds[(source, feed)].files = int(files)
    return [feeds[k] for k in sorted(feeds)]


def latest_month(con: Connection) -> date | None:
    """The latest month any feed holds."""
    rows = con.execute("SELECT max(month) FROM count_months").fetchall()
    return rows[0][0] if rows else None


def total(counter: Counter[str] | None) -> int:
    """Sum of a counter's values (0 for none)."""
    return sum(counter.values()) if counter else 0


def merged(counters: list[Counter[str]]) -> Counter[str]:
    """Counters added together."""
    out: Counter[str] = Counter()
    for c in counters:
        out.update(c)
    return out


def by_month(coverage: FeedCoverage) -> dict[date, int]:
    """Rows held per month."""
    out: dict[date, int] = defaultdict(int)
    for month, precisions in coverage.held.items():
        out[month] += total(precisions)
    return dict(out)
