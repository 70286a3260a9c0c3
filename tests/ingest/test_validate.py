"""The shared checks and the one canonical-row builder, on candidates of both adapters."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa

from ingest.adapters.csv_batches import RawBatch
from ingest.adapters.police import POLICE_COLUMNS, candidates
from ingest.schema import staged_schema
from ingest.validate import (
    EARLIEST,
    Candidates,
    coordinate_masks,
    coordinate_problem,
    date_problem,
    split,
)


def _police(rows: list[list[str]]) -> Candidates:
    table = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(POLICE_COLUMNS)})
    return candidates(RawBatch(table, np.arange(2, len(rows) + 2), []))


ROW = [
    "",
    "2025-03",
    "Cleveland Police",
    "Cleveland Police",
    "-1.235869",
    "54.710159",
    "On or near X",
    "E01011954",
    "Hartlepool 001A",
    "Anti-social behaviour",
    "",
    "",
]


def _with(**changes: str) -> list[str]:
    row = list(ROW)
    for name, value in changes.items():
        row[POLICE_COLUMNS.index(name.replace("_", " "))] = value
    return row


def test_coordinates_outside_the_uk_and_swapped_are_told_apart() -> None:
    lon = np.array([-1.2, 54.7, -74.0, np.nan])
    lat = np.array([54.7, -1.2, 40.7, 54.7])
    swapped, outside = coordinate_masks(lon, lat)
    assert swapped.tolist() == [False, True, False, False]
    assert outside.tolist() == [False, True, True, False]
    assert coordinate_problem(-1.2, 54.7, "-1.2", "54.7") is None
    assert (
        coordinate_problem(54.7, -1.2, "54.7", "-1.2")
        == "latitude and longitude look swapped (longitude 54.7, latitude -1.2)"
    )


def test_dates_before_1990_or_in_the_future_are_refused() -> None:
    now = datetime(2026, 1, 5)
    assert date_problem(datetime(2025, 6, 1), "x", now) is None
    assert date_problem(datetime(1989, 12, 31), "x", now) == f"date 'x' is before {EARLIEST:%Y}"
    assert date_problem(datetime(2026, 1, 6), "x", now) == "date 'x' is in the future"


def test_split_keeps_good_rows_canonical_and_gives_every_reject_its_line_reason_and_month() -> None:
    batch = _police(
        [ROW, _with(Longitude="54.710159", Latitude="-1.235869"), _with(Month="2025-13"), _with(Longitude="west")]
    )
    good, rejects, months = split(batch)
    assert good.schema == staged_schema() and good.num_rows == 1
    assert good["partition_key"].to_pylist() == ["police:Cleveland Police:2025-03"]
    assert good["location_precision"].to_pylist() == ["snap-point"]
    assert [(line, reason.split(" (")[0]) for line, _, reason in rejects] == [
        (3, "latitude and longitude look swapped"),
        (4, "month '2025-13' is not a valid YYYY-MM month"),
        (5, "longitude 'west' is not a number"),
    ]
    assert set(months) == {3, 5}  # the month of line 4 cannot be read


def test_precision_follows_what_a_row_has_point_ward_lsoa_or_nothing() -> None:
    batch = _police([ROW, _with(Longitude="", Latitude=""), _with(Longitude="", Latitude="", LSOA_code="")])
    good, _, _ = split(batch)
    assert good["location_precision"].to_pylist() == ["snap-point", "lsoa", "none"]
