"""`aim cases load-reviews` and `aim cases publication` on the sample export and Case Review log: the log loads
once, tied to the loaded cases, and the publication is written as CSV, PDF and JSON with the API's counts; on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

DATA = Path(__file__).resolve().parents[3] / "data" / "cases"


def test_the_log_loads_and_the_publication_is_written(demo_store: Path, database_url: str, tmp_path: Path) -> None:
    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    runner = CliRunner()
    opts = ["--store", str(store), "--database", database_url]
    assert runner.invoke(app, ["cases", "load", str(DATA / "ecins-case-export.csv"), *opts]).exit_code == 0
    loaded = runner.invoke(app, ["cases", "load-reviews", str(DATA / "case-review-applications.csv"), *opts])
    assert loaded.exit_code == 0, loaded.output
    assert "Case Review applications loaded: CR-25-005, CR-25-007; 0 held already" in loaded.output
    again = runner.invoke(app, ["cases", "load-reviews", str(DATA / "case-review-applications.csv"), *opts])
    assert "loaded: none; 2 held already or erased" in again.output

    table = tmp_path / "cr-2025.csv"
    written = runner.invoke(app, ["cases", "publication", "--year", "2025", "--output", str(table), *opts])
    assert written.exit_code == 0, written.output
    assert "the partnership, 2025: 2 received, threshold not met 1, 1 reviews, 1 with recommendations" in " ".join(
        written.output.split()
    )
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert rows[1] == ["the partnership", "2", "1", "1", "1", "0", "0"] and len(rows) == 5
    pdf = tmp_path / "cr-2025.pdf"
    assert runner.invoke(app, ["cases", "publication", "--year", "2025", "--output", str(pdf), *opts]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    one = tmp_path / "police.json"
    args = ["cases", "publication", "--year", "2025", "--body", "police", "--output", str(one), *opts]
    assert runner.invoke(app, args).exit_code == 0
    assert [r["body"] for r in json.loads(one.read_text())["figures"]] == ["police"]
    bad = runner.invoke(app, ["cases", "publication", "--year", "2025", "--output", str(tmp_path / "x.txt"), *opts])
    assert bad.exit_code != 0
