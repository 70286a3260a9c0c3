"""Load a feed file into the running service's store: one transaction, so readers see the store before or after
the file, never half of it, and the service keeps answering while it loads."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api.http.audit import record_access
from api.http.deps import SettingsDep
from api.http.models.base import plain
from api.http.models.status import IngestSummary
from api.rules import ingest_options
from api.services.errors import ParameterError
from api.services.loading import report_summary
from api.settings import Settings
from ingest.pipeline import IngestReport, run
from ingest.registry import Feed, shipped_feeds

router = APIRouter(prefix="/api/v1", tags=["ingest"])
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.post("/ingest/{feed}", response_model=IngestSummary, **plain)
async def ingest(
    request: Request,
    settings: SettingsDep,
    feed: Annotated[str, Path(description="`police` (a data.police.uk CSV, plain or gzip) or a shipped profile name")],
    filename: Annotated[
        str, Query(max_length=200, description="The file's name, kept in the load log (e.g. 2025-01-x-street.csv)")
    ] = "upload.csv",
    replace_smaller: Annotated[
        bool, Query(description="Let the file replace a month with far fewer rows than the store holds (else 409)")
    ] = False,
) -> dict[str, Any]:
    """Load the request body (the file's bytes) as one feed file: atomically, idempotently, with bad rows
    quarantined. The same rules as `aim ingest` / `aim feeds load`."""
    feeds = shipped_feeds()
    if feed not in feeds:
        raise ParameterError("feed", f"unknown feed {feed!r}; one of {', '.join(sorted(feeds))}")
    body = await request.body()
    if not body:
        raise ParameterError("body", "empty upload: send the file's bytes as the request body")
    name = SAFE_NAME.sub("_", FilePath(filename).name) or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="aim-upload-") as folder:
        path = FilePath(folder) / name
        path.write_bytes(body)
        report = await run_in_threadpool(_load, request, settings, feeds[feed], path, replace_smaller)
    record_access(request, report.loaded, f"ingest {feed}")
    return report_summary(report)


def _load(request: Request, settings: Settings, feed: Feed, path: FilePath, replace_smaller: bool) -> IngestReport:
    with request.app.state.writer:  # one load at a time; readers are never blocked
        cursor = request.app.state.con.cursor()
        try:
            return run(feed, path, cursor, ingest_options(settings, replace_smaller=replace_smaller))
        finally:
            cursor.close()
