"""Load one feed file: the source's batches -> validate -> enrich -> store (atomic month replace) -> report."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import pyarrow as pa

from ingest.dedupe import LinkRule, relink
from ingest.enrich import Enricher
from ingest.errors import FeedFileError, SuspiciousFileError, reason_kind
from ingest.limits import NO_LIMITS, Limits
from ingest.places import load_places
from ingest.sources import ReadContext, Source
from ingest.store.connection import Connection
from ingest.store.layout import keep_layout
from ingest.store.write.staging import StagedIngest
from ingest.validate import Candidates, Rejects, split

Progress = Callable[[int], None]
MAX_EXAMPLES = 5
# a file of up to this many batches is kept in memory for its INSERT; larger ones spill (docs/scale.md: a national
# month of three batches held and committed under the full limit peaked at 1.8 GB in a 60M-row store)
HELD_BATCHES = 1


@dataclass(frozen=True)
class IngestOptions:
    """How one file is loaded: duplicate-link rule, postcode files, the present moment, dry run, size bounds,
    progress."""

    rule: LinkRule | None = None  # rebuild cross-source duplicate links before committing
    postcodes: tuple[Path, ...] = ()  # Code-Point Open files or folders, for sources locating rows by postcode
    now: datetime | None = None  # dates later than now + 1 day are rejected; None: datetime.now()
    dry_run: bool = False  # stage, report, roll back
    replace_smaller: bool = False  # let a file replace a partition with far fewer rows than it holds
    min_share: float = 0.5  # ... where "far fewer" is under this share of the rows held
    limits: Limits = NO_LIMITS  # the most rows (and bytes once decompressed) one file may hold
    name: str | None = None  # the file's name in the load log, reports and errors (an upload's own); None: its path
    progress: Progress | None = None  # called with the rows of each batch as it is staged
    examples: int = MAX_EXAMPLES  # quarantined rows kept as examples (line, reason) in the report
    batch_rows: int = 200_000  # rows written to the store at a time: what a load holds in memory, whatever the file
    # (with the file's rows themselves, up to HELD_BATCHES batches of them, kept for the final INSERT unspilled)
    layout_drift: float = 0.0  # after a load, rewrite cell_counts' resolution-years drifted past this (0: never)

    def __post_init__(self) -> None:
        """Refuse a batch size that could never write a row."""
        if self.batch_rows < 1:
            raise ValueError(f"batch_rows must be at least 1, not {self.batch_rows}")


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
    partition_rows: dict[str, int] = field(default_factory=dict)  # good rows in the file, per partition
    partition_held: dict[str, int] = field(default_factory=dict)  # rows held now, per partition the file replaces
    max_examples: int = MAX_EXAMPLES

    def record(self, rejects: Rejects, unmapped: Counter[str]) -> None:
        """Count a batch's rejects by kind of reason, keep the first few as examples, add its unmapped labels."""
        for line, _, reason in rejects:
            self.reasons[reason_kind(reason)] += 1
            if len(self.examples) < self.max_examples:
                self.examples.append((line, reason))
        self.unmapped.update(unmapped)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _batches(source: Source, path: Path, con: Connection, options: IngestOptions) -> Generator[Candidates, None, None]:
    """The source's batches of candidate rows over the file; the places they are located against are read from the
    store here (sources never touch the store)."""
    context = ReadContext(
        now=options.now or datetime.now(),
        limits=options.limits,
        places=lambda postcodes, wards: load_places(con, options.postcodes, postcodes, wards),
    )
    return source.read(path, context)


def _write(staged: StagedIngest, enricher: Enricher, batch_rows: int, everything: bool = False) -> None:
    """Enrich the rows the store holds for the file (cells and wards once per new point, then each row's placement)
    and hand them back to it to write, `batch_rows` at a time, while a whole batch is held (or, at the end of the
    file, until none is)."""
    while staged.pending_rows >= batch_rows or (everything and staged.pending_rows):
        batch = staged.take(batch_rows)
        if batch is not None:
            staged.write_batch(enricher.enrich(batch))


def _finish(staged: StagedIngest, enricher: Enricher, report: IngestReport, options: IngestOptions) -> IngestReport:
    """Enrich, plan and commit (or, for a dry run, roll back) a staged file; fill in the report."""
    _write(staged, enricher, options.batch_rows, everything=True)
    if staged.rows_read > options.batch_rows:  # the memory the batches used is handed back before the INSERT needs it
        staged.written()
        release_memory(thorough=False)
    report.distinct_points = enricher.distinct_points()
    enricher.close()
    plan = staged.plan()
    report.partition_rows, report.partition_held = dict(plan.rows), dict(plan.stored)
    shrinking = [] if options.replace_smaller else plan.shrinking(options.min_share)
    if shrinking:
        said = "; ".join(f"{key} holds {held:,} rows, this file has {new:,} good ones" for key, held, new in shrinking)
        raise SuspiciousFileError(
            staged.file,
            f"refused: it would replace partitions with far fewer rows than they hold ({said}); "
            f"{sum(report.reasons.values()):,} of its rows are bad"
            + (f" (mostly: {report.reasons.most_common(1)[0][0]})" if report.reasons else "")
            + ". Fix the file, or load it with --replace-smaller if the smaller file is right",
        )
    if options.dry_run:
        counts = staged.counts(plan)
        staged.rollback()
    else:
        rule = options.rule
        counts = staged.commit(plan, None if rule is None else partial(relink, staged.con, rule))
    report.rows_read, report.loaded = counts["rows_read"], counts["loaded"]
    report.replaced, report.unchanged = counts["replaced"], counts["unchanged"]
    report.quarantined = counts["quarantined"]
    report.partitions_new, report.partitions_replaced = plan.new, plan.replaced
    report.partitions_unchanged = plan.unchanged
    written = plan.new or plan.replaced
    idle = "unchanged" if plan.unchanged else "quarantined"  # nothing written: the same file again, or no good row
    report.status = ("would load" if options.dry_run else "loaded") if written else idle
    return report


def run(feed: Source, path: Path, con: Connection, options: IngestOptions = IngestOptions()) -> IngestReport:
    """Load one file of a feed (a registered source): atomic (the store changes only if the whole file commits, and
    then the months it covers hold its rows) and idempotent."""
    report: IngestReport | None = None
    try:
        report = _run(feed, path, con, options)
        if report.status == "loaded":
            keep_layout(con, options.layout_drift, report.partitions_new + report.partitions_replaced)
        return report
    except FeedFileError as exc:
        if options.name is None or exc.path != str(path):
            raise
        raise exc.named(options.name) from None  # an upload is named as sent, never by where it was kept
    finally:
        release_memory(thorough=report is None or report.rows_read > options.batch_rows)


def release_memory(thorough: bool = True) -> None:
    """Hand the memory a file's batches used back to the system (a long-running server keeps only what it holds);
    a file of one batch held little, so its cycles are looked for among young objects only (a full collection
    walks every object the process holds: a tenth of a small file's load)."""
    gc.collect(2 if thorough else 1)
    pa.default_memory_pool().release_unused()
    if LIBC is not None:
        LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None  # glibc only
    except OSError:
        return None


LIBC = _libc()


def _run(feed: Source, path: Path, con: Connection, options: IngestOptions) -> IngestReport:
    started = time.perf_counter()
    if not path.is_file():
        raise FeedFileError(path, "no such file")
    file = options.name or str(path)
    batches = _batches(feed, path, con, options)
    hashing = ThreadPoolExecutor(max_workers=1)  # the digest runs on the other core while the file parses
    try:
        batch = next(batches, None)  # header problems raise here, before anything is staged
        if batch is None:
            raise FeedFileError(path, "no data rows after the header")
        digest = hashing.submit(file_sha256, path)
        held = HELD_BATCHES * options.batch_rows
        staged = StagedIngest(con, feed.source, file, digest.result, feed=feed.label, held_rows=held)
        report = IngestReport(file=file, status="loaded", max_examples=options.examples)
        enricher: Enricher | None = None
        try:
            enricher = Enricher(con)
            while batch is not None:
                good, rejects, months = split(batch, feed.months)
                options.limits.check_rows(path, staged.rows_read + good.num_rows + len(rejects))
                staged.add(good, rejects, months)
                _write(staged, enricher, options.batch_rows)
                report.record(rejects, batch.unmapped)
                if options.progress:
                    options.progress(good.num_rows + len(rejects))
                del good, rejects, months, batch  # only the staged copy is kept while the next batch is read
                batch = next(batches, None)
            if staged.rows_read == 0:
                raise FeedFileError(path, "no data rows after the header")
            _finish(staged, enricher, report, options)
        except BaseException:
            staged.rollback()
            if enricher is not None:
                enricher.close()
            raise
        report.seconds = time.perf_counter() - started
        return report
    finally:
        batches.close()
        hashing.shutdown(wait=True, cancel_futures=True)
