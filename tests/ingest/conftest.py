"""Helpers for feed ingest: loading an export through a profile with the shipped postcodes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ingest.dedupe import LinkRule
from ingest.pipeline import IngestOptions, IngestReport, run
from ingest.profiles import Profile
from ingest.registry import profile_feed
from ingest.store.connection import Connection
from tests.conftest import PROJECT_DATA

NOW = datetime(2026, 1, 5)
POSTCODES = (PROJECT_DATA / "postcodes",)


def load_feed(
    con: Connection, profile: Profile, path: Path, rule: LinkRule | None = None, dry_run: bool = False
) -> IngestReport:
    """Load (or dry-run) one export through a profile, with the shipped postcodes, as of NOW."""
    options = IngestOptions(rule=rule, postcodes=POSTCODES, now=NOW, dry_run=dry_run)
    return run(profile_feed(profile), path, con, options)
