"""`aim delivery load`: movement files by format (named, or from their names), a summary naming refused rows by file
and line, and nothing but dosage kept."""

from __future__ import annotations

import shutil
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


def test_a_patrol_log_numbering_a_plans_cells_loads_against_the_plan_named(demo_store: Path, tmp_path: Path) -> None:
    """--plan-lad (or csp, force), --plan-from, --plan-to, --plan-cells name the plan whose printed numbers a log
    uses: the demo's default ASB plan for Middlesbrough here."""
    from api.services.delivery_samples import demo_plan

    store = tmp_path / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    log = tmp_path / "beats.log.csv"
    log.write_text("team,plan_cell,start,end\nbeat 1,3,2026-01-06T10:00:00Z,2026-01-06T10:12:00Z\n")
    args = ["delivery", "load", str(log), "--agency", "specials", "--store", str(store)]
    unnamed = runner.invoke(app, [*args, "--dry-run"])
    assert unnamed.exit_code == 0 and "line 2: plan cell 3: no plan was named for this load" in unnamed.output
    result = runner.invoke(app, [*args, "--plan-lad", "E06000002", "--plan-cells", "20"])
    assert result.exit_code == 0, result.output
    assert "plan cell numbers read against the 20-cell patrol plan of Middlesbrough" in result.output
    con = open_store(store)
    try:
        planned, _ = demo_plan(con, ("police",))
        rows = con.execute("SELECT cell, minutes FROM delivery_cells WHERE agency = 'specials'").fetchall()
    finally:
        con.close()
    assert (int(planned[2]), 12.0) in [(int(c), m) for c, m in rows]
    wrong = runner.invoke(app, [*args, "--plan-lad", "E06000002", "--plan-to", "2025-13"])
    assert wrong.exit_code != 0 and "is not a month" in wrong.output
