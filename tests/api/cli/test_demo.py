"""`aim demo --no-serve`: the shipped demo loads whole, police files, sample feeds and sample delivery, with nothing
refused as the wrong kind of file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.database.cases import CaseStore
from api.settings import Settings
from ingest.registry import resolve_feed
from ingest.store.connection import open_store
from tests.conftest import PROJECT_DATA

runner = CliRunner()


def test_the_demo_folder_holds_only_police_files() -> None:
    files = resolve_feed("police").files([Settings().data_dir / "demo"])
    assert [f.name for f in files] == [f"2025-{m:02d}-cleveland-street.csv.gz" for m in range(1, 13)]


@pytest.mark.bulk
def test_the_demo_loads_police_feeds_and_delivery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIM_DATA_DIR", str(PROJECT_DATA))  # the repository's shipped data, not an installed copy
    store = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--no-serve", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    assert "police: loaded 3 file(s)" in result.output
    assert "analyst token" in result.output
    assert "6 cases loaded from ecins-case-export.csv (24 rows)" in result.output
    assert "2 repeat victims flagged" in result.output and "case ASB-25-0114 confirmed as one" in result.output
    assert "2 ASB Case Review applications loaded from case-review-applications.csv" in result.output
    con = open_store(store)
    try:
        sources = dict(con.execute("SELECT source, count(*) FROM incidents GROUP BY source").fetchall())
        agencies = con.execute("SELECT DISTINCT agency FROM delivery_cells").fetchall()
        facilities = con.execute("SELECT facilities, quarantined FROM facility_lists").fetchall()
    finally:
        con.close()
    assert sources.pop("police") == 89_391
    assert set(sources) == {"warden", "complaint", "councillor"}
    assert agencies == [("police",)]
    assert "kept as list 1: licensed premises" in result.output and facilities == [(60, 2)]
    cases = CaseStore.open(Settings(store=store).tasking_url())
    try:
        flags = {f["status"]: f["case_id"] for f in cases.flags()}
        by_ref = {c["reference"]: c["id"] for c in cases.cases()}
    finally:
        cases.close()
    assert len(by_ref) == 6 and flags == {"confirmed": by_ref["ASB-25-0114"], "flagged": None}
    again = runner.invoke(app, ["demo", "--no-serve", "--store", str(store)])
    assert "cases loaded" not in again.output and "applications loaded" not in again.output  # loaded once
