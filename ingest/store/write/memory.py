"""The share of the store's memory limit a large file's commit runs under, and the limit put back after it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb

from ingest.store.connection import Connection, configured_memory_limit

UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
# DuckDB keeps the blocks a bulk INSERT writes while it may (1.1 GB for 10,000,000 rows under 2GB); under half the
# limit a 10,000,000-row file's `aim ingest` peaked at 1,529 MiB, under 0.4 of it at 1,466 MiB (and ran no slower)
LOAD_SHARE = 0.4


def size_bytes(text: str) -> int | None:
    """Bytes of a DuckDB size such as '2GB', '1.5 GiB' or '512MB'; None when it is not one."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not found or found.group(2).lower() not in UNITS:
        return None
    return int(float(found.group(1)) * UNITS[found.group(2).lower()])


@contextmanager
def load_memory(con: Connection, share: float = LOAD_SHARE) -> Iterator[None]:
    """Hold DuckDB to `share` of the limit the store was opened with (unchanged when that is unknown), then put the
    limit back exactly as it was given."""
    limit = configured_memory_limit(con)
    size = None if limit is None else size_bytes(limit)
    if limit is None or size is None:
        yield
        return
    con.execute("SET memory_limit = ?", [f"{int(size * share)}B"])
    try:
        yield
    except BaseException:
        # a failed statement aborts the transaction, which refuses the SET until it is rolled back
        # (`restore_memory` then): the error raised is the load's own (out of memory), never the refusal
        with suppress(duckdb.Error):
            con.execute("SET memory_limit = ?", [limit])
        raise
    con.execute("SET memory_limit = ?", [limit])


def restore_memory(con: Connection) -> None:
    """Put back the limit the store was opened with (after a rolled-back load that lowered it)."""
    limit = configured_memory_limit(con)
    if limit is not None:
        con.execute("SET memory_limit = ?", [limit])
