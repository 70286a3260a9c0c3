"""`aim assessment` on a copy of the demo store with its problems: PDF, HTML and CSV files, JSON, and clear errors."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from api.cli import app

STEM = "aim-assessment-E06000002-2025"


def _copy(pack_demo: Path, folder: Path) -> Path:
    """The store and its tasking database, copied."""
    store = folder / "aim.duckdb"
    shutil.copyfile(pack_demo, store)
    shutil.copyfile(pack_demo.with_name("aim-tasking.sqlite"), folder / "aim-tasking.sqlite")
    return store


def test_the_assessment_from_the_command_line(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    runner = CliRunner()
    common = ["assessment", "--lad", "Middlesbrough", "--year", "2025", "--store", str(store)]
    out = tmp_path / "out"
    written = runner.invoke(app, [*common, "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.html", f"{STEM}.pdf", f"{STEM}.zip"]
    assert "Middlesbrough 2025:" in written.output and "(not comparable)" in written.output
    text = " ".join(page.extract_text() for page in PdfReader(out / f"{STEM}.pdf").pages)
    assert "Annual strategic assessment: Middlesbrough, 2025" in text and "ASB hotspot in Central" in text
    assert "Case Review" in (out / f"{STEM}.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / f"{STEM}.zip") as archive:
        assert f"{STEM}/priorities.csv" in archive.namelist()
    as_json = runner.invoke(app, [*common, "--format", "json", "--out", str(out)])
    assert as_json.exit_code == 0, as_json.output
    found = json.loads((out / f"{STEM}.json").read_text(encoding="utf-8"))
    assert found["district"]["code"] == "E06000002" and found["changes"]["comparable"] is False


def test_clear_errors(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    runner = CliRunner()
    for args, words in (
        (["--lad", "Gotham", "--year", "2025"], "no local authority district"),
        (["--lad", "E06000002", "--year", "2019"], "no month of 2019"),
        (["--lad", "E06000002", "--year", "2025", "--format", "docx"], "choose all, pdf"),
    ):
        r = runner.invoke(app, ["assessment", *args, "--store", str(store), "--out", str(tmp_path)])
        assert r.exit_code == 2, r.output
        assert words in r.output, r.output
