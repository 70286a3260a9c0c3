"""Feed files loaded (or checked) by the running service: one load at a time through the store's one writer (a lock
across worker processes; a new snapshot published after a load), so readers are never blocked and see the store
before or after a file, never half of it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi import Request

from api.rules import ingest_options
from api.services.onboarding import defaults_effect
from api.settings import Settings
from ingest.pipeline import MAX_EXAMPLES, IngestReport, run
from ingest.registry import Feed


def load_file(
    request: Request,
    settings: Settings,
    feed: Feed,
    path: Path,
    name: str,
    *,
    replace_smaller: bool,
    dry_run: bool,
    examples: int = MAX_EXAMPLES,
) -> IngestReport:
    """Load (or, with dry_run, check) one file of a feed under the settings' rules; call it on a worker thread."""
    with request.app.state.store.writing() as cursor:  # one load at a time; readers are never blocked
        options = ingest_options(settings, dry_run=dry_run, replace_smaller=replace_smaller, name=name)
        return run(feed, path, cursor, replace(options, examples=examples))


def checked_effect(request: Request, settings: Settings, report: IngestReport, source: str) -> str | None:
    """What a checked file's new months would do to the default period (the store as it is, before the load); call it
    on a worker thread."""
    with request.app.state.store.reading() as cursor:
        return defaults_effect(cursor, report, source, tuple(settings.core_sources), settings.default_months)
