"""cell_counts holds exactly incident_counts summed per cell at every served resolution (with the cell keys of the
counts): after loads, a month replaced by a smaller file, a partition removed, the store's secret replaced, and in
a store from before the summary once it is opened."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from ingest.pipeline import IngestOptions
from ingest.schema import SERVED_RES
from ingest.store.connection import Connection, open_store
from ingest.store.keys import set_store_secret
from ingest.store.read.filters import KEY_MODULUS
from ingest.store.write.counts import refresh_counts
from tests.conftest import load_police, police_file, write_csv

FRESH = " UNION ALL ".join(
    f"""SELECT {r}, cell_{r}, month, category, source, lad_code, partition_key, sum(n), sum(n_unique),
               (sum(n::HUGEINT * record_key) % {KEY_MODULUS})::BIGINT,
               (sum(n_unique::HUGEINT * record_key) % {KEY_MODULUS})::BIGINT
        FROM incident_counts WHERE cell_{r} IS NOT NULL GROUP BY ALL"""  # noqa: S608 (fixed fragments)
    for r in SERVED_RES
)


def assert_in_step(con: Connection) -> None:
    """cell_counts holds exactly what summing incident_counts afresh gives, at every resolution."""
    kept = sorted(con.execute("SELECT * FROM cell_counts").fetchall(), key=str)
    fresh = sorted(con.execute(FRESH).fetchall(), key=str)
    assert kept == fresh and kept
    assert {r[0] for r in kept} == set(SERVED_RES)


@pytest.mark.bulk
def test_cell_counts_follow_loads_replacements_removals_and_new_secrets(demo_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, path)
    con = open_store(path)
    assert_in_step(con)
    with gzip.open(police_file("cleveland", "03"), "rt") as fh:
        lines = [line.rstrip("\n") for line in fh][:2001]  # March again, with a tenth of its rows
    load_police(con, write_csv(tmp_path / "2025-03-cleveland-street.csv", lines), IngestOptions(replace_smaller=True))
    assert_in_step(con)
    load_police(con, police_file("derbyshire", "03"))  # another force
    assert_in_step(con)
    removed = str(con.execute("SELECT min(partition_key) FROM cell_counts").fetchall()[0][0])
    con.execute("BEGIN")
    con.execute("DELETE FROM incidents WHERE partition_key = ?", [removed])
    con.register("_removed", pa.table({"partition_key": [removed]}))
    refresh_counts(con, "SELECT partition_key FROM _removed")
    con.execute("COMMIT")
    assert con.execute("SELECT count(*) FROM cell_counts WHERE partition_key = ?", [removed]).fetchall() == [(0,)]
    assert_in_step(con)
    keys = con.execute("SELECT sum(key_n) FROM cell_counts").fetchall()
    set_store_secret(con, "another secret")  # every record key changes, and so every cell key
    assert con.execute("SELECT sum(key_n) FROM cell_counts").fetchall() != keys
    assert_in_step(con)
    con.close()


def test_a_store_from_before_cell_counts_gets_them_when_opened(demo_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copyfile(demo_store, path)
    con = open_store(path)
    con.execute("DROP TABLE cell_counts")  # as the store was before migration 10
    con.execute("DELETE FROM schema_version WHERE version >= 10")
    con.close()
    con = open_store(path)
    assert_in_step(con)
    con.close()


def test_a_migration_stopped_part_way_starts_again_and_fills_every_year(demo_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copyfile(demo_store, path)
    con = open_store(path)
    con.execute("DELETE FROM cell_counts WHERE res > 6")  # as a fill stopped after its first resolution left it
    con.execute("DELETE FROM schema_version WHERE version >= 10")
    for table in ("incident_counts", "count_months"):  # a second year held: the fill goes a year at a time
        con.execute(f"UPDATE {table} SET month = month - INTERVAL 1 YEAR WHERE month < DATE '2025-04-01'")  # noqa: S608
    con.close()
    con = open_store(path)
    assert_in_step(con)
    years = con.execute("SELECT DISTINCT year(month) FROM cell_counts ORDER BY 1").fetchall()
    assert years == [(2024,), (2025,)]
    con.close()


MIGRATE = """
import sys
from pathlib import Path
from ingest.store.connection import open_store

print("opening", flush=True)
open_store(Path(sys.argv[1])).close()
print("migrated", flush=True)
"""


def _old_store(demo_store: Path, path: Path) -> list[tuple[int]]:
    """A copy of the demo store as it was before migration 10; its incident count."""
    shutil.copyfile(demo_store, path)
    con = open_store(path)
    incidents = con.execute("SELECT count(*) FROM incidents").fetchall()
    con.execute("DROP TABLE cell_counts")
    con.execute("DELETE FROM schema_version WHERE version >= 10")
    con.close()
    return incidents


def _migrating(path: Path) -> tuple[subprocess.Popen[str], float]:
    """A process opening (so migrating) the store, once it has started to; when it started."""
    process = subprocess.Popen(
        [sys.executable, "-c", MIGRATE, str(path)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "opening"
    return process, time.monotonic()


@pytest.mark.bulk
def test_a_store_migration_killed_part_way_is_finished_by_the_next_opening(demo_store: Path, tmp_path: Path) -> None:
    """kill -9 at points through migration 10 (the cell counts' fill), as fractions of how long it takes here: the
    next opening finishes it, in step, and nothing of the incidents is lost."""
    _old_store(demo_store, tmp_path / "timed.duckdb")
    process, started = _migrating(tmp_path / "timed.duckdb")
    assert process.stdout is not None and process.stdout.readline().strip() == "migrated"
    took = time.monotonic() - started
    process.wait(timeout=60)
    killed = 0
    for share in (0.1, 0.3, 0.5, 0.8):
        path = tmp_path / f"old-{share}.duckdb"
        incidents = _old_store(demo_store, path)
        process, started = _migrating(path)
        time.sleep(max(0.0, share * took - (time.monotonic() - started)))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        killed += process.returncode == -signal.SIGKILL
        con = open_store(path)  # the next start
        assert_in_step(con)
        assert con.execute("SELECT count(*) FROM incidents").fetchall() == incidents
        assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] >= 10
        con.close()
    assert killed == 4  # every kill fell while the process ran
