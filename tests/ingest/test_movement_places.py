"""Patrol logs naming a place by a plan's cell number or by street: placed against the named plan and the store's
incidents (a month of real police.uk Derbyshire records), or refused with file, line and reason while the log's
other entries load."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import h3ronpy
import numpy as np
import pyarrow as pa
import pytest

from geo.hexbin import points_to_cells
from ingest.delivery import DeliveryOptions, load_delivery
from ingest.movement_places import Plan, store_streets
from ingest.registry import movement_source_for
from ingest.store.connection import Connection
from ingest.store.read.streets import STREET_KEY, street_key
from tests.conftest import load_police, new_store, police_file

NOW = datetime(2026, 2, 1, tzinfo=UTC)
PLACES = [(-1.4746, 52.9225), (-1.4702, 52.9199), (-1.4801, 52.9260)]  # Derby
LON, LAT = np.array([p[0] for p in PLACES]), np.array([p[1] for p in PLACES])
PLAN = Plan(tuple(int(c) for c in points_to_cells(LON, LAT, 9)), "a test plan")


@pytest.fixture(scope="module")
def derbyshire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    con = new_store(tmp_path_factory.mktemp("streets") / "aim.duckdb")
    load_police(con, police_file("derbyshire", "01"))
    yield con
    con.close()


def _disk(cell: int) -> np.ndarray:
    return np.asarray(pa.array(h3ronpy.grid_disk(pa.array([cell], pa.uint64()), 1))[0].as_py(), dtype=np.uint64)


def _streets(con: Connection) -> dict[str, list[tuple[str, list[int]]]]:
    """Street names of the store by how they must be placed, worked out here from the records (not by the code):
    in one cell of one authority; in one authority but no cell and its neighbours holding them all; in two or
    more authorities."""
    rows = con.execute(
        f"SELECT {STREET_KEY} AS name, count(DISTINCT lad_code), list(DISTINCT cell_9 ORDER BY cell_9) "  # noqa: S608
        "FROM place_texts WHERE cell_9 IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    found: dict[str, list[tuple[str, list[int]]]] = {"one cell": [], "too far": [], "authorities": []}
    for name, lads, cells in rows:
        if lads > 1:
            found["authorities"].append((name, cells))
        elif len(cells) == 1:
            found["one cell"].append((name, cells))
        elif not any(np.isin(np.array(cells, dtype=np.uint64), _disk(c)).all() for c in cells):
            found["too far"].append((name, cells))
    return found


def _log(path: Path, rows: list[str], place: str) -> Path:
    path.write_text(f"team,{place},start,end\n" + "".join(f"{r}\n" for r in rows))
    return path


def _cells(con: Connection, agency: str) -> dict[int, tuple[float, int]]:
    rows = con.execute("SELECT cell, minutes, visits FROM delivery_cells WHERE agency = ?", [agency]).fetchall()
    return {int(c): (m, v) for c, m, v in rows}


def test_a_street_in_one_cell_is_placed_there_and_others_are_refused_with_why(
    derbyshire: Connection, tmp_path: Path
) -> None:
    streets = _streets(derbyshire)
    assert all(len(v) >= 2 for v in streets.values())
    (near, [cell]), (long, _), (common, _) = streets["one cell"][0], streets["too far"][0], streets["authorities"][0]
    rows = [
        f"beat 1,On or near {near.title()},2026-01-05T10:00:00Z,2026-01-05T10:15:00Z",
        f"beat 1,{long.upper()},2026-01-05T11:00:00Z,2026-01-05T11:15:00Z",
        f"beat 1,{common},2026-01-05T12:00:00Z,2026-01-05T12:15:00Z",
        "beat 1,Nowhere Such Lane,2026-01-05T13:00:00Z,2026-01-05T13:15:00Z",
        f"beat 1,  {near}  ,2026-01-05T14:00:00Z,2026-01-05T14:05:00Z",
    ]
    log = _log(tmp_path / "streets.log.csv", rows, "street")
    report = load_delivery(derbyshire, [(movement_source_for(log), log)], "wardens", DeliveryOptions(now=NOW))
    assert report.pings_kept == 20 and report.quarantined == 3
    placed = _cells(derbyshire, "wardens")
    assert placed[cell] == (pytest.approx(20.0), 2)  # both entries on the street, in its one cell (each a visit)
    reasons = {line: reason for _, line, reason in report.examples}
    assert set(reasons) == {3, 4, 5} and all(f == str(log) for f, _, _ in report.examples)
    assert reasons[3] == f"street {long.upper()!r} runs through {len(streets['too far'][0][1])} cells, too far " + (
        "apart to be one place: give a cell or a grid reference instead"
    )
    assert "local authorities: give a cell or a grid reference instead" in reasons[4]
    assert reasons[5] == "street 'Nowhere Such Lane' is not named in the store's records: give a cell or a grid " + (
        "reference instead"
    )


def test_street_names_are_compared_without_on_or_near_spacing_or_case(derbyshire: Connection) -> None:
    assert street_key("  On or near   Prime  PARKWAY ") == "prime parkway" == street_key("prime parkway")
    assert street_key("On or near") == "on or near"
    found = store_streets(derbyshire, 9)(["ON OR NEAR Prime Parkway", "prime   parkway"])
    assert found["ON OR NEAR Prime Parkway"] == found["prime   parkway"] and isinstance(found["prime   parkway"], tuple)


def test_plan_cell_numbers_are_read_against_the_named_plan(derbyshire: Connection, tmp_path: Path) -> None:
    rows = [
        "team 2,2,2026-01-06T10:00:00Z,2026-01-06T10:12:00Z",
        "team 2,3,2026-01-06T11:00:00Z,2026-01-06T11:04:00Z",
        "team 2,4,2026-01-06T12:00:00Z,2026-01-06T12:04:00Z",
        "team 2,0,2026-01-06T12:00:00Z,2026-01-06T12:04:00Z",
        "team 2,two,2026-01-06T12:00:00Z,2026-01-06T12:04:00Z",
        f"team 2,{PLAN.cells[0]:x},2026-01-06T13:00:00Z,2026-01-06T13:03:00Z",
    ]
    log = _log(tmp_path / "plan.log.csv", rows, "plan_cell")
    options = DeliveryOptions(now=NOW, plan=PLAN)
    report = load_delivery(derbyshire, [(movement_source_for(log), log)], "specials", options)
    placed = _cells(derbyshire, "specials")
    assert placed[PLAN.cells[1]] == (pytest.approx(12.0), 1) and placed[PLAN.cells[2]] == (pytest.approx(4.0), 1)
    assert placed[PLAN.cells[0]] == (pytest.approx(3.0), 1)  # an H3 id in the plan's column, as before
    assert [(line, reason) for _, line, reason in report.examples] == [
        (4, "plan cell 4 is not on the plan (a test plan: cells 1 to 3)"),
        (5, "plan cell 0 is not on the plan (a test plan: cells 1 to 3)"),
        (6, "plan cell 'two' is neither a number on the plan nor an H3 cell id"),
    ]
    unnamed = load_delivery(
        derbyshire, [(movement_source_for(log), log)], "specials", DeliveryOptions(now=NOW, dry_run=True)
    )
    assert unnamed.pings_kept == 3 and unnamed.examples[0][1:] == (
        2,
        "plan cell 2: no plan was named for this load (name the plan its numbers are from)",
    )


def test_a_log_may_mix_place_kinds_row_by_row(derbyshire: Connection, tmp_path: Path) -> None:
    """Each row's place is the first place column it fills: cell, plan cell, grid reference, street, point."""
    log = tmp_path / "mixed.log.csv"
    log.write_text(
        "team,cell,plan_cell,grid_ref,street,lat,lon,start,end\n"
        f"a,{PLAN.cells[0]:x},,,,,,2026-01-07T10:00:00Z,2026-01-07T10:05:00Z\n"
        "a,,2,,,,,2026-01-07T11:00:00Z,2026-01-07T11:05:00Z\n"
        f"a,,,,,{PLACES[2][1]},{PLACES[2][0]},2026-01-07T12:00:00Z,2026-01-07T12:05:00Z\n"
        "a,,,,,,,2026-01-07T13:00:00Z,2026-01-07T13:05:00Z\n"
    )
    report = load_delivery(derbyshire, [(movement_source_for(log), log)], "mixed", DeliveryOptions(now=NOW, plan=PLAN))
    placed = _cells(derbyshire, "mixed")
    assert all(placed[c][0] == pytest.approx(5.0) for c in PLAN.cells)
    assert [(line, reason) for _, line, reason in report.examples] == [
        (
            5,
            "no place it can locate (an H3 cell, a plan cell number, a grid reference, a street, or latitude and "
            "longitude)",
        )
    ]
