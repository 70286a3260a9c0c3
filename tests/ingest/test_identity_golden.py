"""Incident ids and placement of real files, frozen: a change to how files load must not change what they store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest.store.connection import Connection
from tests.conftest import load_police, new_store, police_file

# Computed by the ingest as it was before loading became streaming (commit 1cdfbb1), on the real files.
GOLDEN = {
    ("cleveland", "01"): (
        6494,
        "4cfa639a739ee8e20d6ff8fd4ae6d9efaad8b7041b46f615035e7647de3fb080",
        "261f316b7ab82f9cf9905328522fd12a307e48ca038fe2e475937cc8367060db",
        [112615068358084520564340166497667780, 128862700980127750299269211337259615],
    ),
    ("nottinghamshire", "07"): (
        10909,
        "d490439f3d268988db20de608eede6b920964722e537110c53e8aff4e9ee1581",
        "a37d70b51622bd50715519f4608270a8916111d8eb048918eceb74932cc360f5",
        [7201364650259574886698451598111052, 34149352247944043951719704026598710],
    ),
}
PLACED = "incident_id, line, h3_cell, place_cell, cell_6, cell_9, cell_10, lad_code"


def digest(con: Connection, columns: str) -> str:
    """SHA-256 of the incidents' columns, one line per incident in id order."""
    rows = con.execute(f"SELECT {columns} FROM incidents ORDER BY incident_id").fetchall()  # noqa: S608 (fixed)
    text = "\n".join("|".join("" if v is None else str(v) for v in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(("force", "month"), list(GOLDEN))
def test_real_files_keep_their_ids_cells_and_places(tmp_path: Path, force: str, month: str) -> None:
    rows, ids, placed, first = GOLDEN[(force, month)]
    con = new_store(tmp_path / "aim.duckdb")
    assert load_police(con, police_file(force, month)).loaded == rows
    got = [r[0] for r in con.execute("SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 2").fetchall()]
    assert got == first
    assert digest(con, "incident_id") == ids
    assert digest(con, PLACED) == placed
