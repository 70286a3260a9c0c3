"""Loading feed files into the store through the one ingest pipeline, and what a load did, as data."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.pipeline import IngestOptions, IngestReport, run
from ingest.registry import Feed, feed_files
from ingest.store.connection import Connection
from ingest.store.write.checkpoints import checkpoint_at_end


def load_files(
    con: Connection,
    feed: Feed,
    paths: list[Path],
    options: IngestOptions,
    progress: Callable[[Path, int], None] | None = None,
    listed: Callable[[list[Path]], None] | None = None,
) -> tuple[list[IngestReport], list[str]]:
    """Load (or dry-run) every file of a feed at these paths, each atomically; returns reports and per-file errors.

    The feed lists its files at the paths once; `listed` is told them before the first is loaded."""
    files = feed_files(feed, paths)
    if listed is not None:
        listed(files)
    if not files:
        return [], [f"no {feed.name} files found in {', '.join(map(str, paths))}"]
    reports: list[IngestReport] = []
    errors: list[str] = []
    with checkpoint_at_end(con) if len(files) > 1 else nullcontext():  # each file still commits on its own
        for f in files:
            counted = None if progress is None else _progress_of(progress, f)
            try:
                reports.append(run(feed, f, con, replace(options, now=options.now or datetime.now(), progress=counted)))
            except IngestError as exc:
                errors.append(str(exc))
    return reports, errors


def report_summary(report: IngestReport) -> dict[str, Any]:
    """What a load did: counts, months written, quarantine reasons with examples, unmapped categories."""
    return {
        "file": Path(report.file).name,
        "status": report.status,
        "rows_read": report.rows_read,
        "loaded": report.loaded,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
        "quarantine_reasons": dict(report.reasons.most_common()),
        "unmapped_categories": dict(report.unmapped.most_common()),
        "months_new": report.partitions_new,
        "months_replaced": report.partitions_replaced,
        "seconds": round(report.seconds, 2),
    }


def _progress_of(progress: Callable[[Path, int], None], path: Path) -> Callable[[int], None]:
    return lambda rows: progress(path, rows)
