"""`aim evaluate` on the real Cleveland store: the table, the Markdown for the README, and bad arguments."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()
SPLIT = ["--train", "2025-01:2025-09", "--test", "2025-10:2025-12"]


def test_evaluate_prints_every_method_for_each_force_held(cleveland_store: Path) -> None:
    result = runner.invoke(app, ["evaluate", *SPLIT, "--coverage", "5%", "--store", str(cleveland_store)])
    assert result.exit_code == 0, result.output
    # Nottinghamshire holds one month only here, but it is a force held whose wards are shipped: both are scored
    for text in ("Cleveland", "Nottinghamshire", "aim", "previous_period", "kde", "random", "AIM / best baseline"):
        assert text in result.output


def test_evaluate_markdown_has_a_row_per_force_and_the_mean(cleveland_store: Path) -> None:
    args = ["evaluate", *SPLIT, "--force", "cleveland", "--markdown", "--store", str(cleveland_store)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("|")]
    assert lines[0].startswith("| area | test incidents | aim PAI")
    assert lines[2].startswith("| Cleveland | 3,7") and lines[-1].startswith("| **mean**")


def test_evaluate_rejects_overlapping_months_and_unknown_forces(cleveland_store: Path) -> None:
    bad = runner.invoke(
        app, ["evaluate", "--train", "2025-01:2025-09", "--test", "2025-09:2025-12", "--store", str(cleveland_store)]
    )
    assert bad.exit_code == 2 and "after the training months" in bad.output
    unknown = runner.invoke(app, ["evaluate", *SPLIT, "--force", "gotham", "--store", str(cleveland_store)])
    assert unknown.exit_code == 2 and "unknown force" in unknown.output


def test_evaluate_calibration_reports_each_resolution(cleveland_store: Path) -> None:
    args = ["evaluate", "--calibration", "--draws", "5", "--force", "cleveland", "--store", str(cleveland_store)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Cleveland res 8" in result.output and "Cleveland res 9" in result.output
    assert "expected 0.5%" in result.output
    table = runner.invoke(app, [*args, "--markdown", "--res", "8"])
    assert table.exit_code == 0 and table.output.count("| Cleveland | 8 |") == 1


def test_evaluate_without_months_or_calibration_is_refused(cleveland_store: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--store", str(cleveland_store)])
    assert result.exit_code == 2 and "--train" in result.output


def test_evaluate_on_rolling_origins_prints_the_distribution(cleveland_store: Path) -> None:
    args = ["evaluate", "--rolling", "--force", "cleveland", "--res", "8", "--category", "asb"]
    result = runner.invoke(app, [*args, "--store", str(cleveland_store)])
    assert result.exit_code == 0, result.output
    # origins 2025-06..12 at a 1-month horizon, 2025-06..10 at 3 months (12), x 5 plan sizes
    assert "| design: all | 60 | 7 |" in result.output  # clustered by force x crime type x origin: 7 origins
    for size in ("10 cells", "25 cells", "1.0%", "10.0%"):
        assert f"| design size {size} | 12 | 7 |" in result.output
    assert "| design horizon 1 month | 35 |" in result.output and "| design horizon 3 months | 25 |" in result.output
    for text in ("vs best by rolling validation", "vs best after the fact", "AIM PEI", "Targets"):
        assert text in result.output
    assert "Baseline picked by rolling validation, cases: training_window" in result.output


def test_rolling_horizon_and_held_out_crime_type(cleveland_store: Path) -> None:
    args = ["evaluate", "--rolling", "--force", "cleveland", "--res", "8", "--category", "public-order"]
    result = runner.invoke(app, [*args, "--horizon", "1", "--store", str(cleveland_store)])
    assert result.exit_code == 0, result.output
    assert "| held-out crime type (public-order) | 35 | 7 |" in result.output  # reported apart from the design
    assert "design: all" not in result.output and "horizon 3" not in result.output


def test_evaluate_calibration_adds_the_time_null_for_each_crime_type(cleveland_store: Path) -> None:
    args = ["evaluate", "--calibration", "--null", "time", "--trend-draws", "2", "--force", "cleveland", "--res", "8"]
    table = runner.invoke(
        app,
        [*args, "--category", "asb", "--category", "violence-sexual", "--markdown", "--store", str(cleveland_store)],
    )
    assert table.exit_code == 0, table.output
    assert "hot at 1%" not in table.output  # the time null alone
    for crime in ("asb", "violence-sexual"):
        assert table.output.count(f"| Cleveland | {crime} | 8 |") == 2  # trend calls, then classes
    assert "| trend at 10% | trend at 5% |" in table.output and "| new | consecutive | intensifying |" in table.output
    text = runner.invoke(app, [*args, "--category", "asb", "--store", str(cleveland_store)])
    assert text.exit_code == 0 and "Cleveland asb res 8" in text.output and "2 month shuffles" in text.output
    wrong = runner.invoke(app, [*args, "--null", "months", "--store", str(cleveland_store)])
    assert wrong.exit_code == 2 and "--null is one of both, space, time" in wrong.output
