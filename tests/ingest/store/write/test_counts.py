"""The counts and summaries a load writes from its own run's rows (and its partitions' months) equal a rebuild of
every partition from all incidents."""

from __future__ import annotations

import pytest

from ingest.store.connection import Connection
from ingest.store.write.counts import refresh_counts
from ingest.store.write.pruning import in_their_months
from tests.conftest import load_police, police_file

TABLES = ("incident_counts", "count_months", "count_points", "ward_counts", "place_texts")
EVERY = "SELECT DISTINCT partition_key FROM incidents"


def _tables(con: Connection) -> dict[str, list[tuple[object, ...]]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}  # noqa: S608 (fixed)


def test_a_load_counts_what_a_full_rebuild_counts(store: Connection) -> None:
    for force, month in (("cleveland", "01"), ("cleveland", "02"), ("suffolk", "01")):
        load_police(store, police_file(force, month))
    loaded = _tables(store)
    assert all(loaded[t] for t in TABLES)
    store.execute("BEGIN")
    refresh_counts(store, EVERY)
    assert _tables(store) == loaded
    store.execute("ROLLBACK")


def test_counts_of_a_run_read_only_its_rows(store: Connection) -> None:
    load_police(store, police_file("cleveland", "01"))
    run_id = store.execute("SELECT max(run_id) FROM incidents").fetchall()[0][0]
    loaded = _tables(store)
    store.execute("BEGIN")
    refresh_counts(store, EVERY, run_id)
    assert _tables(store) == loaded
    refresh_counts(store, EVERY, run_id + 1)  # no row of that run: the partitions count nothing
    assert store.execute("SELECT count(*) FROM incident_counts").fetchall() == [(0,)]
    store.execute("ROLLBACK")


@pytest.mark.parametrize("column", ["month", "i.month"])
def test_their_months_are_the_partitions_months(store: Connection, column: str) -> None:
    load_police(store, police_file("cleveland", "01"))
    load_police(store, police_file("cleveland", "02"))
    keys = "SELECT 'police:Cleveland Police:2025-02' AS partition_key"
    months = store.execute(
        f"SELECT DISTINCT i.month FROM incidents i WHERE {in_their_months(keys, column)}"  # noqa: S608 (fixed)
    ).fetchall()
    assert [str(m) for (m,) in months] == ["2025-02-01"]
