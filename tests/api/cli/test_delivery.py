"""`aim delivery load`: movement files by format (named, or from their names), a summary naming refused rows by file
and line, and nothing but dosage kept."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from ingest.store.connection import open_store

runner = CliRunner()
ROWS = [f"radio-1,2025-12-03T10:{m:02d}:00Z,54.574200,-1.235000" for m in range(12)]


def _pings(path: Path, extra: list[str]) -> Path:
    path.write_text("device,time,lat,lon\n" + "\n".join(ROWS + extra) + "\n")
    return path


def test_delivery_load_prints_a_summary_and_keeps_only_dosage(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    pings = _pings(tmp_path / "shift.csv", ["radio-1,later,54.5742,-1.235"])
    result = runner.invoke(app, ["delivery", "load", str(pings), "--agency", "police", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "police: loaded 1 file(s), 12 of 13 pings (1 refused), 2025-12-03 to 2025-12-03" in result.output
    assert "1 visits (1 of 10 minutes or more)" in result.output
    assert f"{pings}, line 14: time 'later' is not a date and time" in result.output
    con = open_store(store)
    try:
        assert con.execute("SELECT sum(minutes), sum(compliant_visits) FROM delivery_cells").fetchall() == [(12.0, 1)]
    finally:
        con.close()


def test_a_dry_run_writes_nothing_and_a_named_format_is_used(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    pings = _pings(tmp_path / "shift.txt", [])
    unnamed = runner.invoke(app, ["delivery", "load", str(pings), "--agency", "police", "--store", str(store)])
    assert unnamed.exit_code != 0 and "not a movement file by its name" in unnamed.output
    args = ["delivery", "load", str(pings), "--agency", "police", "--format", "pings-csv", "--dry-run"]
    result = runner.invoke(app, [*args, "--store", str(store)])
    assert result.exit_code == 0 and "would load 1 file(s), 12 of 12 pings" in result.output
    con = open_store(store)
    try:
        assert con.execute("SELECT count(*) FROM delivery_cells").fetchall() == [(0,)]
    finally:
        con.close()
