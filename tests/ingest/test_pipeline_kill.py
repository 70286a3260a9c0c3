"""An ingest killed with SIGKILL mid-way leaves the store as it was, and the next ingest succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.store.connection import open_store
from tests.conftest import load_police, new_store, police_file, three_forces_file

LOADER = """
import sys
from pathlib import Path
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from ingest.store.connection import open_store

con = open_store(Path(sys.argv[1]))

def progress(rows):
    print("staged", rows, flush=True)

run(resolve_feed("police"), Path(sys.argv[2]), con, IngestOptions(progress=progress))
print("committed", flush=True)
"""


def counts(store: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM ingest_runs), "
            "(SELECT count(*) FROM partitions)"
        ).fetchall()[0]


@pytest.mark.server
def test_a_killed_ingest_leaves_the_store_as_it_was_and_the_next_one_succeeds(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    con = new_store(store)
    load_police(con, police_file("cleveland", "01"))
    con.close()
    before = counts(store)
    big = three_forces_file(tmp_path / "three-forces.csv.gz")
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(store), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("staged"), first  # rows are staged inside the open transaction: kill it now
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    assert counts(store) == before  # reopening replays the log: nothing of the killed file is there
    con = open_store(store)  # the next ingest, as `aim ingest` runs it, succeeds
    assert load_police(con, big).status == "loaded"
    con.close()
    incidents, runs, partitions = counts(store)
    assert incidents > before[0] + 50_000 and runs == before[1] + 1 and partitions == before[2] + 9
