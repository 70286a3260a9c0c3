"""When the store is checkpointed during a load of many files: once, at the end, not every few files.

Each file's COMMIT appends the file's rows and summaries to the write-ahead log and syncs it: from then on the file
is kept, whether or not a checkpoint follows (a process that dies is followed by DuckDB replaying the log when the
store is next opened). A checkpoint only moves what the log holds into the store file. DuckDB checkpoints whenever a
COMMIT leaves the log past `checkpoint_threshold` (16 MB): every second or third police.uk monthly file, rewriting
the summaries' row groups each time (a third of a monthly file's load). A load of many files raises the threshold so
that no file's commit checkpoints, and checkpoints once when the last file is done. A file that fails rolls back:
nothing of it reaches the log, so the store is as it was (checkpointed or not). Loads of one file (an upload) keep
DuckDB's own threshold.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb

from ingest.store.connection import Connection, scalar

DEFERRED_THRESHOLD = "1GiB"  # 60 monthly files of five forces (512,000 rows) log about 420 MB


@contextmanager
def checkpoint_at_end(con: Connection, threshold: str = DEFERRED_THRESHOLD) -> Iterator[None]:
    """Let the write-ahead log grow to `threshold` while the block loads files, then put DuckDB's threshold back and
    checkpoint once (also after a failure: what was committed is checkpointed, unless DuckDB gave up on the store)."""
    before = str(scalar(con, "SELECT current_setting('checkpoint_threshold')"))
    con.execute("SET checkpoint_threshold = ?", [threshold])
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            _settle(con, before)
        raise
    _settle(con, before)


def _settle(con: Connection, threshold: str) -> None:
    con.execute("SET checkpoint_threshold = ?", [threshold])
    con.execute("CHECKPOINT")
