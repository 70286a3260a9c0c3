"""Load a feed file into the running service: one transaction, so readers see the store before or after
the file, never half of it, and the service keeps answering while it loads.

The body is streamed to a temporary file as it arrives (never held whole), and the file is read within the
upload bounds (rows, and bytes once decompressed) on a worker thread, never on the event loop.
"""

from __future__ import annotations

import re
import tempfile
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api.http.audit import record_access
from api.http.deps import SettingsDep
from api.http.models.base import plain
from api.http.models.status import IngestSummary
from api.http.writer import checked_effect, load_file
from api.services.errors import ParameterError
from api.services.loading import report_summary
from api.services.profiles import served_feeds

router = APIRouter(prefix="/api/v1", tags=["ingest"])
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
WRITE_BYTES = 1 << 20  # the body is written to disk in pieces of about this size


@router.post("/ingest/{feed}", response_model=IngestSummary, **plain)
async def ingest(
    request: Request,
    settings: SettingsDep,
    feed: Annotated[
        str,
        Path(
            description="`police` (a data.police.uk CSV, plain or gzip), a shipped profile, or a profile sent to "
            "PUT /api/v1/profiles/{name}"
        ),
    ],
    filename: Annotated[
        str, Query(max_length=200, description="The file's name, kept in the load log (e.g. 2025-01-x-street.csv)")
    ] = "upload.csv",
    replace_smaller: Annotated[
        bool, Query(description="Let the file replace a month with far fewer rows than the store holds (else 409)")
    ] = False,
    dry_run: Annotated[
        bool, Query(description="Check only: what would load and why rows would not, then roll back (nothing kept)")
    ] = False,
) -> dict[str, Any]:
    """Load the request body (the file's bytes) as one feed file: atomically, idempotently, with bad rows
    quarantined. The same rules as `aim ingest` / `aim feeds load`, and the same bounds: a file with more rows
    than AIM_MAX_UPLOAD_ROWS, or expanding past AIM_MAX_UPLOAD_DECOMPRESSED_BYTES, is refused (413)."""
    feeds = served_feeds(settings.profiles_path())
    if feed not in feeds:
        raise ParameterError("feed", f"unknown feed {feed!r}; one of {', '.join(sorted(feeds))}")
    name = SAFE_NAME.sub("_", FilePath(filename).name) or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="aim-upload-") as folder:
        path = FilePath(folder) / name
        if not await receive_file(request, path):
            raise ParameterError("body", "empty upload: send the file's bytes as the request body")
        report = await run_in_threadpool(
            partial(
                load_file, request, settings, feeds[feed], path, name, replace_smaller=replace_smaller, dry_run=dry_run
            )
        )
    record_access(request, report.loaded, f"{'check' if dry_run else 'ingest'} {feed}")
    summary = report_summary(report)
    if dry_run:
        summary["defaults"] = await run_in_threadpool(checked_effect, request, settings, report, feeds[feed].source)
    return summary


async def receive_file(request: Request, path: FilePath) -> int:
    """Stream the request body into a file a piece at a time (writes off the event loop); returns its size."""
    size = 0
    pending: list[bytes] = []
    held = 0
    fh: BinaryIO = await run_in_threadpool(path.open, "wb")
    try:
        async for chunk in request.stream():
            pending.append(chunk)
            held += len(chunk)
            if held >= WRITE_BYTES:
                await run_in_threadpool(fh.write, b"".join(pending))
                size, pending, held = size + held, [], 0
        if pending:
            await run_in_threadpool(fh.write, b"".join(pending))
            size += held
    finally:
        await run_in_threadpool(fh.close)
    return size
