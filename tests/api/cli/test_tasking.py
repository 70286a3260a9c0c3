"""`aim tasking pack` on a copy of the demo store with its two problems: PDF, HTML and JSON, and clear errors."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from api.cli import app

MEETING = (date.today() + timedelta(days=2)).isoformat()


def _copy(pack_demo: Path, folder: Path) -> Path:
    """The store and its tasking database, copied."""
    store = folder / "aim.duckdb"
    shutil.copyfile(pack_demo, store)
    shutil.copyfile(pack_demo.with_name("aim-tasking.sqlite"), folder / "aim-tasking.sqlite")
    return store


def test_the_pack_from_the_command_line(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    runner = CliRunner()
    common = ["tasking", "pack", "--csp", "Middlesbrough", "--date", MEETING, "--store", str(store)]
    pdf = runner.invoke(app, [*common, "--out", str(tmp_path / "pack.pdf")])
    assert pdf.exit_code == 0, pdf.output
    assert "1 problems, 1 actions (0 overdue), 1 evaluations due, 20 patrol cells" in pdf.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "pack.pdf").pages)
    assert "Tasking pack: Middlesbrough" in text and "ASB hotspot in Central" in text
    html = runner.invoke(app, [*common, "--format", "html", "--out", str(tmp_path / "pack.html")])
    assert html.exit_code == 0, html.output
    assert "Download PDF" in (tmp_path / "pack.html").read_text(encoding="utf-8")
    as_json = runner.invoke(app, [*common, "--format", "json", "--cells", "5", "--out", str(tmp_path / "pack.json")])
    assert as_json.exit_code == 0, as_json.output
    pack = json.loads((tmp_path / "pack.json").read_text(encoding="utf-8"))
    assert pack["date"] == MEETING and len(pack["patrol"]["plan"]["cells"]) == 5
    assert [p["title"] for p in pack["problems"]] == ["ASB hotspot in Central"]


def test_unknown_partnership_and_bad_date(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    runner = CliRunner()
    out = ["--out", str(tmp_path / "x.pdf"), "--store", str(store)]
    unknown = runner.invoke(app, ["tasking", "pack", "--csp", "Gotham", *out])
    assert unknown.exit_code == 2 and "no community safety partnership" in unknown.output
    assert "Middlesbrough" in unknown.output
    bad = runner.invoke(app, ["tasking", "pack", "--csp", "Middlesbrough", "--date", "30/11/2026", *out])
    assert bad.exit_code == 2 and "is not a date" in bad.output
    assert not (tmp_path / "x.pdf").exists()
