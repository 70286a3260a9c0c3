"""Ingest one feed file: adapter -> validate -> stage -> enrich -> atomic partition replace; report what happened."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from ingest.adapters.csv_batches import RawBatch
from ingest.adapters.police import raw_rows, read_police, to_candidates
from ingest.adapters.tabular import read_rows
from ingest.dedupe import LinkRule, relink
from ingest.enrich import enrich_staged
from ingest.errors import FeedFileError, reason_kind
from ingest.places import store_places
from ingest.prefetch import prefetch
from ingest.profile_rows import Places, map_rows
from ingest.profiles import Profile
from ingest.registry import Feed
from ingest.schema import Source
from ingest.store.connection import Connection
from ingest.store.writer import StagedIngest
from ingest.validate import reject_months, split

Progress = Callable[[int], None]
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class IngestOptions:
    """How one file is loaded: duplicate-link rule, postcode files, the present moment, dry run, progress."""

    rule: LinkRule | None = None  # rebuild cross-source duplicate links before committing
    postcodes: tuple[Path, ...] = ()  # Code-Point Open files or folders, for profile feeds
    now: datetime | None = None  # dates later than now + 1 day are rejected; None: datetime.now()
    dry_run: bool = False  # stage, report, roll back
    progress: Progress | None = None  # called with the rows of each batch as it is staged


@dataclass
class IngestReport:
    """What one file's ingest did: counts, partitions touched, and why rows were quarantined."""

    file: str
    status: str
    rows_read: int = 0
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    quarantined: int = 0
    partitions_new: list[str] = field(default_factory=list)
    partitions_replaced: list[str] = field(default_factory=list)
    partitions_unchanged: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[int, str]] = field(default_factory=list)
    distinct_points: int = 0
    seconds: float = 0.0
    unmapped: Counter[str] = field(default_factory=Counter)  # source categories the profile does not map


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _record(report: IngestReport, rejects: list[tuple[int, str, str]]) -> None:
    for line, _, reason in rejects:
        report.reasons[reason_kind(reason)] += 1
        if len(report.examples) < MAX_EXAMPLES:
            report.examples.append((line, reason))


def _finish(
    staged: StagedIngest, report: IngestReport, started: float, rule: LinkRule | None, dry_run: bool = False
) -> IngestReport:
    """Enrich, plan and commit (or, for a dry run, roll back) a staged file; fill in the report."""
    report.distinct_points = enrich_staged(staged)
    plan = staged.plan()
    if dry_run:
        counts = staged.dry_counts(plan)
        staged.rollback()
    else:
        counts = staged.commit(plan, None if rule is None else partial(relink, staged.con, rule))
    report.rows_read, report.loaded = counts["rows_read"], counts["loaded"]
    report.replaced, report.unchanged = counts["replaced"], counts["unchanged"]
    report.quarantined = counts["quarantined"]
    report.partitions_new, report.partitions_replaced = plan.new, plan.replaced
    report.partitions_unchanged = plan.unchanged
    report.status = ("would load" if dry_run else "loaded") if plan.new or plan.replaced else "unchanged"
    report.seconds = time.perf_counter() - started
    return report


def ingest_police_file(
    con: Connection, path: Path, progress: Progress | None = None, rule: LinkRule | None = None
) -> IngestReport:
    """Load one data.police.uk street-level CSV; the store changes only if the whole file commits."""
    started = time.perf_counter()
    if not path.is_file():
        raise FeedFileError(path, "no such file")
    batches = prefetch(read_police(path))  # the next batch parses while this one is validated
    first = next(batches, None)  # header problems raise here, before anything is staged
    if first is None:
        raise FeedFileError(path, "no data rows after the header")
    report = IngestReport(file=str(path), status="loaded")
    hashing = ThreadPoolExecutor(max_workers=1)  # the digest runs on the other core while the file parses
    digest = hashing.submit(file_sha256, path)
    staged = StagedIngest(con, Source.POLICE.value, str(path), digest.result)
    try:
        raw: RawBatch | None = first
        while raw is not None:
            candidates = to_candidates(raw)
            good, rejects = split(candidates, partial(raw_rows, raw))
            all_rejects = raw.rejects + rejects
            staged.add(good, all_rejects, reject_months(candidates, rejects))
            _record(report, all_rejects)
            if progress:
                progress(good.num_rows + len(all_rejects))
            raw = next(batches, None)
        if staged.rows_read == 0:
            raise FeedFileError(path, "no data rows after the header")
        return _finish(staged, report, started, rule)
    except BaseException:
        staged.rollback()
        raise
    finally:
        batches.close()
        hashing.shutdown(wait=True, cancel_futures=True)


def ingest_feed_file(
    con: Connection,
    profile: Profile,
    path: Path,
    places: Places,
    now: datetime,
    rule: LinkRule | None = None,
    dry_run: bool = False,
) -> IngestReport:
    """Load one council export through its profile (atomic, idempotent); dry_run stages it and rolls back."""
    started = time.perf_counter()
    rows = read_rows(path, profile.file)
    if not rows.rows and not rows.rejects:
        raise FeedFileError(path, "no data rows after the header")
    mapped = map_rows(rows, profile, places, str(path), now)
    report = IngestReport(file=str(path), status="loaded", unmapped=mapped.unmapped)
    staged = StagedIngest(con, profile.source, str(path), lambda: file_sha256(path), feed=profile.name)
    try:
        staged.add(mapped.table, mapped.rejects, mapped.reject_months)
        _record(report, mapped.rejects)
        return _finish(staged, report, started, rule, dry_run)
    except BaseException:
        staged.rollback()
        raise


def run(feed: Feed, path: Path, con: Connection, options: IngestOptions = IngestOptions()) -> IngestReport:
    """Load one file of a feed: atomic (the store changes only if the whole file commits) and idempotent."""
    if feed.profile is None:
        return ingest_police_file(con, path, options.progress, options.rule)
    places = store_places(con, list(options.postcodes))
    now = options.now or datetime.now()
    return ingest_feed_file(con, feed.profile, path, places, now, options.rule, options.dry_run)
