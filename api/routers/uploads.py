"""Load a feed file into the running service's store: one transaction, so readers see the store before or after
the file, never half of it, and the service keeps answering while it loads."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api.audit import record_access
from api.cli_feeds import settings_rule
from api.deps import SettingsDep
from api.errors import ParameterError
from ingest.pipeline import IngestReport, ingest_feed_file, ingest_police_file
from ingest.places import store_places
from ingest.profiles import load_profile, shipped_profiles

router = APIRouter(prefix="/api/v1", tags=["ingest"])
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def report_json(report: IngestReport) -> dict[str, Any]:
    """What a load did, as JSON."""
    return {
        "file": FilePath(report.file).name,
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


@router.post("/ingest/{feed}")
async def ingest(
    request: Request,
    settings: SettingsDep,
    feed: Annotated[str, Path(description="`police` (a data.police.uk CSV, plain or gzip) or a shipped profile name")],
    filename: Annotated[
        str, Query(max_length=200, description="The file's name, kept in the load log (e.g. 2025-01-x-street.csv)")
    ] = "upload.csv",
) -> dict[str, Any]:
    """Load the request body (the file's bytes) as one feed file: atomically, idempotently, with bad rows
    quarantined. The same rules as `aim ingest` / `aim feeds load`."""
    if feed != "police" and feed not in shipped_profiles():
        raise ParameterError("feed", f"unknown feed {feed!r}; police or one of {', '.join(sorted(shipped_profiles()))}")
    body = await request.body()
    if not body:
        raise ParameterError("body", "empty upload: send the file's bytes as the request body")
    name = SAFE_NAME.sub("_", FilePath(filename).name) or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="aim-upload-") as folder:
        path = FilePath(folder) / name
        path.write_bytes(body)
        report = await _run_in_thread(request, settings, feed, path)
    record_access(request, report.loaded, f"ingest {feed}")
    return report_json(report)


async def _run_in_thread(request: Request, settings: Any, feed: str, path: FilePath) -> IngestReport:
    def load() -> IngestReport:
        with request.app.state.writer:  # one load at a time; readers are never blocked
            cursor = request.app.state.con.cursor()
            try:
                if feed == "police":
                    return ingest_police_file(cursor, path, rule=settings_rule(settings))
                places = store_places(cursor, settings.postcodes)
                return ingest_feed_file(
                    cursor, load_profile(feed), path, places, datetime.now(), settings_rule(settings)
                )
            finally:
                cursor.close()

    return await run_in_threadpool(load)
