"""The annual assessment reads the problems opened in the year and their kept evaluations from either database:
SQLite beside the store, or PostgreSQL (in CI)."""

from __future__ import annotations

import shutil
from pathlib import Path

from api.database.tasking import TaskingStore
from api.rules import gap_rule
from api.services.assessment import assessment
from api.services.caches import Caches
from api.services.tasking_demo import open_demo_problems
from api.settings import Settings
from ingest.store.connection import open_served_store


def test_the_assessment_reads_the_demo_problems_from_either_database(
    demo_store: Path, database_url: str, tmp_path: Path
) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    con = open_served_store(store, "1GB")
    tasking = TaskingStore.open(database_url)
    try:
        opened = {p["title"]: p for p in open_demo_problems(con, tasking)}
        for lad, start in (("E06000002", "ASB hotspot in"), ("E06000004", "ASB across")):
            found = assessment(con, tasking, lad, 2025, Caches(), gap_rule(Settings()))
            problems = found["problems"]
            (problem,) = problems["problems"]
            assert problem["title"].startswith(start) and problem["title"] in opened
            assert f"{problem['opened']:%Y-%m-%d}" == "2025-06-30" and problems["opened"] == 1
            (kept,) = problem["evaluations"]
            assert kept["summary"] == opened[problem["title"]]["summary"] and kept["after"]["from"] == "2025-07"
            assert problems["evaluated"] == 1 and problems["targets_met"] + problems["targets_not_met"] == 1
    finally:
        tasking.close()
        con.close()
