"""`aim evaluate --placebo` on the real Cleveland store: the Markdown table of calls and power, and plain lines."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_the_placebo_audit_as_markdown(cleveland_store: Path) -> None:
    args = ["evaluate", "--placebo", "--force", "cleveland", "--category", "asb", "--markdown"]
    result = runner.invoke(app, [*args, "--store", str(cleveland_store)])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("|")]
    assert lines[0].startswith("| placebo problems | n | called fell | called rose | called either")
    assert "power at -20% | power at -35%" in lines[0]
    groups = [ln.split("|")[1].strip() for ln in lines[2:]]
    assert groups[:4] == ["Cleveland, Q1->Q2", "Cleveland, Q2->Q3", "Cleveland, Q3->Q4", "Cleveland, all"]
    assert {"asb", "1 cell", "7 cells", "19 cells", "ward", "all forces"} <= set(groups)
    overall = next(ln for ln in lines if ln.startswith("| Cleveland, all |"))
    n, fell, rose, either = (cell.strip() for cell in overall.split("|")[2:6])
    assert n == "72"  # one category x three windows x four sizes x six placebo problems
    share = float(re.match(r"([\d.]+)%", either).group(1))  # type: ignore[union-attr]
    assert abs(share - float(fell.rstrip("%")) - float(rose.rstrip("%"))) <= 0.11  # shares rounded to 0.1%
    again = runner.invoke(app, [*args, "--store", str(cleveland_store)])
    assert again.output == result.output  # seeded: the same audit twice


def test_the_placebo_audit_in_plain_lines(cleveland_store: Path) -> None:
    args = ["evaluate", "--placebo", "--force", "cleveland", "--category", "criminal-damage-arson"]
    result = runner.invoke(app, [*args, "--store", str(cleveland_store)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Cleveland, all: 72 placebo problems, [\d.]+% called fell or rose", result.output)
    assert "5% expected" in result.output and "at -35%" in result.output
