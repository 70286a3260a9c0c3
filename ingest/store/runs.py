"""The ingest log: which run the store is at."""

from __future__ import annotations

from ingest.store.connection import Connection, count


def store_version(con: Connection) -> int:
    """The latest ingest run: every load (through the API or the CLI) adds one, so derived reports change with it."""
    return count(con, "SELECT coalesce(max(run_id), 0) FROM ingest_runs")
