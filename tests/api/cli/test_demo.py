"""`aim demo --no-serve`: the shipped demo loads whole, police files, sample feeds and sample delivery, with nothing
refused as the wrong kind of file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import Settings
from ingest.registry import resolve_feed
from ingest.store.connection import open_store

runner = CliRunner()


def test_the_demo_folder_holds_only_police_files() -> None:
    files = resolve_feed("police").files([Settings().data_dir / "demo"])
    assert [f.name for f in files] == [f"2025-{m:02d}-cleveland-street.csv.gz" for m in range(1, 13)]


@pytest.mark.bulk
def test_the_demo_loads_police_feeds_and_delivery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--no-serve", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    assert "police: loaded 3 file(s)" in result.output
    assert "analyst token" in result.output
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
