"""cell_counts' layout: monthly loads leave each resolution's rows in a run per load, which `optimize` puts back in
the migration's order (as many row groups as a freshly filled table, the same answers), in one transaction."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from ingest.pipeline import IngestOptions
from ingest.store.connection import Connection, open_store
from ingest.store.layout import DRIFT, Block, keep_layout, measure, optimize
from ingest.store.read.counts import hex_counts, top_cells
from ingest.store.read.filters import IncidentFilter
from ingest.store.write.cell_counts import fill_cell_counts
from tests.conftest import FORCES, load_police, new_store, police_file, write_csv

pytestmark = pytest.mark.bulk


@dataclass(frozen=True)
class Monthly:
    """A store of eleven monthly loads, the twelfth month's file, and the store once it is loaded too."""

    eleven: Path
    twelfth: Path
    store: Path


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> Monthly:
    """A store built as a partnership's would be: one load a month, each month the five forces' rows in one file."""
    folder = tmp_path_factory.mktemp("monthly")
    path = folder / "monthly.duckdb"
    con = new_store(path)
    files = []
    for month in (f"{m:02d}" for m in range(1, 13)):
        lines: list[str] = []
        for force in FORCES:
            with gzip.open(police_file(force, month), "rt") as fh:
                rows = [line.rstrip("\n") for line in fh]
            lines.extend(rows if not lines else rows[1:])
        files.append(write_csv(folder / f"2025-{month}-national-street.csv", lines))
    for f in files[:-1]:
        load_police(con, f)
    con.close()
    shutil.copyfile(path, folder / "eleven.duckdb")
    con = open_store(path)
    load_police(con, files[-1])
    con.close()
    return Monthly(folder / "eleven.duckdb", files[-1], path)


def _copy(store: Path, path: Path) -> Connection:
    shutil.copyfile(store, path)
    return open_store(path)


def _answers(con: Connection) -> list[object]:
    """Every row of cell_counts, and the hexagon layer and top cells at two resolutions, as the routes read them."""
    f = IncidentFilter(date(2025, 1, 1), date(2025, 12, 1), categories=("asb",))
    box = (-1.5, 52.8, -0.7, 53.5)  # Nottinghamshire and Derby
    out: list[object] = [sorted(con.execute("SELECT * FROM cell_counts").fetchall(), key=str)]
    for res in (8, 9):
        out.append(hex_counts(con, f, res, box, keys=True).to_pylist())
        out.append(top_cells(con, f, res, 20, "wards-2024").to_pylist())
    return out


def _fresh(con: Connection) -> None:
    """cell_counts emptied and filled again as the migration fills it."""
    con.execute("DELETE FROM cell_counts")
    fill_cell_counts(con)
    con.execute("CHECKPOINT")


def test_monthly_loads_drift_and_optimize_restores_the_fresh_layout(monthly: Monthly, tmp_path: Path) -> None:
    fresh = _copy(monthly.store, tmp_path / "fresh.duckdb")
    _fresh(fresh)
    laid_out = measure(fresh)
    con = _copy(monthly.store, tmp_path / "loaded.duckdb")
    loaded = measure(con)
    before = _answers(con)
    assert before == _answers(fresh)
    # the loads left every resolution spread over more row groups than a fresh fill, some past the limit
    assert loaded.drifted(DRIFT) and loaded.drift() > DRIFT
    assert laid_out.drift() < loaded.drift() and not laid_out.drifted(DRIFT)
    for res, (_, groups, _) in loaded.per_res().items():
        assert groups > laid_out.per_res()[res][1]
    rewritten = optimize(con)
    assert {b.year for b in rewritten} == {b.year for b in loaded.drifted(DRIFT)}
    assert {b.res for b in rewritten} == {b.res for b in loaded.blocks}  # the year's every resolution
    after = measure(con)
    assert after.row_groups == laid_out.row_groups
    assert {r: v[1] for r, v in after.per_res().items()} == {r: v[1] for r, v in laid_out.per_res().items()}
    assert not after.drifted(DRIFT)
    assert _answers(con) == before
    assert optimize(con) == ()  # nothing left to do
    con.close()
    fresh.close()


def test_a_failure_part_way_through_leaves_the_store_as_it_was(monthly: Monthly, tmp_path: Path) -> None:
    path = tmp_path / "loaded.duckdb"
    con = _copy(monthly.store, path)
    loaded = measure(con)
    before = _answers(con)
    seen: list[Block] = []

    def fail_after_first(b: Block) -> None:
        seen.append(b)
        if len(seen) == 2:
            raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError, match="disk went away"):
        optimize(con, 0.0, fail_after_first)
    assert len(seen) == 2
    assert _answers(con) == before and measure(con) == loaded
    con.close()
    con = open_store(path)  # and so it stays once the store is opened again
    assert _answers(con) == before and measure(con) == loaded
    con.close()


def test_aim_store_optimize_rewrites_what_drifted_and_reports_the_layout(monthly: Monthly, tmp_path: Path) -> None:
    path = tmp_path / "loaded.duckdb"
    shutil.copyfile(monthly.store, path)
    runner = CliRunner()
    shown = runner.invoke(app, ["store", "layout", "--store", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "run `aim store optimize`" in shown.output
    done = runner.invoke(app, ["store", "optimize", "--store", str(path)])
    assert done.exit_code == 0, done.output
    assert "res 8 2025" in done.output and "resolution-years rewritten" in done.output
    again = runner.invoke(app, ["store", "layout", "--store", str(path)])
    assert "nothing to do" in again.output


def test_a_load_rewrites_what_drifted_past_its_limit_and_none_when_it_is_zero(monthly: Monthly, tmp_path: Path) -> None:
    con = _copy(monthly.eleven, tmp_path / "auto.duckdb")
    load_police(con, monthly.twelfth, IngestOptions(layout_drift=DRIFT))  # the twelfth load, and the check after it
    assert not measure(con).drifted(DRIFT)
    loaded = _copy(monthly.store, tmp_path / "loaded.duckdb")  # the same twelve loads, none followed by a rewrite
    assert measure(loaded).drifted(DRIFT)
    assert _answers(con) == _answers(loaded)
    partitions = [r[0] for r in loaded.execute("SELECT partition_key FROM partitions").fetchall()]
    assert keep_layout(loaded, 0.0, partitions) == () and measure(loaded).drifted(DRIFT)
    assert keep_layout(loaded, DRIFT, []) == () and measure(loaded).drifted(DRIFT)
    assert keep_layout(loaded, DRIFT, partitions) and not measure(loaded).drifted(DRIFT)
    assert _answers(loaded) == _answers(con)
    con.close()
    loaded.close()
