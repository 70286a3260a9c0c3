"""`aim feeds check` says what a file's new months would do to the default period, before anything is loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.api.http.test_police_lag import warden_file

runner = CliRunner()


def test_a_check_says_what_a_new_month_does_to_the_defaults(cleveland_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)  # police.uk to December 2025
    january = warden_file(tmp_path, "05/01/2026")
    result = runner.invoke(app, ["feeds", "check", "cleveland-wardens", str(january), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (
        "default period: adds 2026-01 for warden; the default period stays Jan-Dec 2025 until police holds 2026-01"
        in " ".join(result.output.split())
    )
    loaded = runner.invoke(app, ["feeds", "load", "cleveland-wardens", str(january), "--store", str(store)])
    assert loaded.exit_code == 0 and "default period" not in loaded.output  # a load says what it did, not this
