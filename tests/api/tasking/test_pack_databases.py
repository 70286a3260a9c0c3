"""The tasking pack reads its problems, actions and kept evaluations from either database: SQLite beside the store,
or PostgreSQL (in CI)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from api.database.tasking import TaskingStore
from api.rules import gap_rule
from api.services.caches import Caches
from api.services.tasking_demo import open_demo_problems
from api.services.tasking_pack import PackOptions, tasking_pack
from api.settings import Settings
from ingest.store.connection import open_served_store


def test_the_pack_reads_the_demo_problems_from_either_database(
    demo_store: Path, database_url: str, tmp_path: Path
) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    con = open_served_store(store, "1GB")
    tasking = TaskingStore.open(database_url)
    try:
        opened = {p["title"]: p for p in open_demo_problems(con, tasking)}
        meeting = date.today() + timedelta(days=20)
        for csp, start in (("Middlesbrough", "ASB hotspot in"), ("Stockton-on-Tees", "ASB across")):
            pack = tasking_pack(con, tasking, csp, meeting, Caches(), gap_rule(Settings()), None, PackOptions(cells=10))
            (problem,) = pack["problems"]
            assert problem["title"].startswith(start) and problem["title"] in opened
            (due,) = pack["evaluations"]
            assert due["evaluation"] == "kept" and due["summary"] == opened[problem["title"]]["summary"]
            assert [a["owner_agency"] for a in problem["actions"]] == problem["owner_agencies"]
    finally:
        tasking.close()
        con.close()
