"""`aim facilities load` and `list`: a summary naming refused rows by line, and the lists kept."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[3] / "data" / "facilities" / "middlesbrough-licensed-premises-synthetic.csv"


def test_the_shipped_sample_loads_with_its_two_refused_rows_and_is_listed(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "aim.duckdb")]
    args = ["facilities", "load", str(SAMPLE), "--kind", "licensed premises", "--size", "capacity"]
    result = runner.invoke(app, [*args, *store])
    assert result.exit_code == 0, result.output
    assert "kept as list 1: licensed premises, 'middlesbrough-licensed-premises-synthetic', 60 facilities" in (
        result.output
    )
    assert "(2 rows refused)" in result.output
    assert "line 62: no location" in result.output and "line 63: location outside Great Britain" in result.output
    listed = runner.invoke(app, ["facilities", "list", *store])
    assert listed.exit_code == 0 and "1: licensed premises, 'middlesbrough-licensed-premises-synthetic' from" in (
        listed.output
    )


def test_a_dry_run_keeps_nothing_and_a_missing_file_fails(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "aim.duckdb")]
    dry = runner.invoke(app, ["facilities", "load", str(SAMPLE), "--kind", "pubs", "--dry-run", *store])
    assert dry.exit_code == 0 and "would keep: pubs" in dry.output
    assert "no facility list held" in runner.invoke(app, ["facilities", "list", *store]).output
    missing = runner.invoke(app, ["facilities", "load", str(tmp_path / "none.csv"), "--kind", "pubs", *store])
    assert missing.exit_code != 0
