"""The column-wise movement readers against the value-by-value ones they replaced (tests/ingest/adapters/per_point):
every point, line, track, time and coordinate the same, and every refused row with the same line and reason, on the
shipped sample files, the OGC worked examples and files full of rows each reader must refuse."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from geo.grid import grid_references
from geo.hexbin import points_to_cells
from ingest.limits import NO_LIMITS
from ingest.movement import PingBatch
from ingest.places import Places
from ingest.registry import movement_source
from ingest.sources import ReadContext
from tests.ingest.adapters.per_point import gpx, mfcsv, mfjson, patrol_log

ROOT = Path(__file__).parents[3]
SAMPLES, OGC = ROOT / "data" / "delivery", ROOT / "tests" / "data" / "delivery"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
Reader = Callable[[Path, ReadContext], Generator[PingBatch, None, None]]


def _no_places(postcodes: bool, wards: bool) -> Places:
    raise AssertionError("movement sources never locate against places")


CONTEXT = ReadContext(now=NOW, limits=NO_LIMITS, places=_no_places)


def _all(batches: Generator[PingBatch, None, None]) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    got = list(batches)
    return pa.concat_tables([b.table for b in got]).combine_chunks(), [r for b in got for r in b.rejects]


def _equal(a: pa.Table, b: pa.Table) -> bool:
    """Equal tables, a missing coordinate (NaN) equal to a missing one."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in ("lon", "lat"):
        if not np.array_equal(a[name].to_numpy(), b[name].to_numpy(), equal_nan=True):
            return False
    return a.drop_columns(["lon", "lat"]).equals(b.drop_columns(["lon", "lat"]))


def _same(name: str, reader: Reader, path: Path) -> pa.Table:
    """The column-wise reader's pings and refusals equal the value-by-value reader's; the pings read."""
    table, rejects = _all(movement_source(name).read(path, CONTEXT))
    before, before_rejects = _all(reader(path, CONTEXT))
    assert _equal(table, before), path.name
    assert rejects == before_rejects
    return table


def test_the_shipped_samples_read_exactly_as_value_by_value() -> None:
    table = _same("gpx", gpx.read_gpx, SAMPLES / "foot-patrols.gpx.gz")
    assert table.num_rows > 10_000
    assert _same("mf-json", mfjson.read_mfjson, SAMPLES / "vehicle-patrols.mf.json.gz").num_rows > 1_000


def test_the_ogc_worked_examples_read_exactly_as_value_by_value() -> None:
    prism = _same("mf-json", mfjson.read_mfjson, OGC / "ogc-19-045r3-annex-b-prism.json")
    assert prism.num_rows == 5 and prism["time"][4].as_py() - prism["time"][0].as_py() == 4
    trajectories = _same("mf-csv", mfcsv.read_mfcsv, OGC / "ogc-19-045r3-annex-b-mf.csv")
    assert trajectories.num_rows == 6 and trajectories["time"].to_pylist()[-1] - trajectories["time"][0].as_py() == 9


def test_gpx_with_bad_points_reads_exactly_as_value_by_value(tmp_path: Path) -> None:
    points = [
        '<trkpt lat="54.5742" lon="-1.235"><time>2025-12-03T10:00:00Z</time></trkpt>',
        '<trkpt lat=" 54.5743 " lon="-1.2351"><ele>3</ele><time> 2025-12-03T10:01:00+01:00 </time></trkpt>',
        '<trkpt lat="54.5744" lon="-1.2352"></trkpt>',
        '<trkpt lat="54.5745" lon="-1.2353"><time>03/12/2025 10:03</time></trkpt>',
        '<trkpt lat="north" lon=""><time>2025-12-03T10:04:00</time></trkpt>',
        '<trkpt lat="54.5746" lon="-1.2354"><time>tomorrow</time></trkpt>',
        '<trkpt lat="54.5747" lon="1e400"><time>2025-07-03 10:05</time></trkpt>',
        '<trkpt lat="54.5748" lon="-1.2355"><time>31/02/2025 10:06</time></trkpt>',
    ]
    tracks = "".join(f"<trk><name>PC {k}</name><trkseg>\n" + "\n".join(points) + "\n</trkseg></trk>" for k in (1, 2))
    path = tmp_path / "bad.gpx"
    path.write_text(
        f'<?xml version="1.0"?>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">{tracks}</gpx>'
    )
    table = _same("gpx", gpx.read_gpx, path)
    assert table.num_rows == 10 and set(table["track"].to_pylist()) == {"1", "2"}


def test_gpx_read_in_small_pieces_and_batches_reads_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Batches taken while a point is being read (pieces of 40 bytes, a batch every 3 points) split no point."""
    monkeypatch.setattr("ingest.adapters.gpx.CHUNK_BYTES", 40)
    monkeypatch.setattr("ingest.adapters.gpx.BATCH_POINTS", 3)
    points = "".join(
        f'<trkpt lat="54.57{k:02d}" lon="-1.23{k:02d}">\n<time>2025-12-03T10:{k:02d}:00Z</time></trkpt>\n'
        for k in range(40)
    )
    path = tmp_path / "pieces.gpx"
    path.write_text(f'<?xml version="1.0"?>\n<gpx version="1.1"><trk><trkseg>\n{points}</trkseg></trk></gpx>\n')
    assert len(list(movement_source("gpx").read(path, CONTEXT))) > 10
    assert _same("gpx", gpx.read_gpx, path).num_rows == 40


def test_mfjson_of_every_kind_of_array_reads_exactly_as_value_by_value(tmp_path: Path) -> None:
    path = tmp_path / "mixed.mf.json"
    path.write_text(
        """{"type": "FeatureCollection", "features": [
        {"type": "Feature", "temporalGeometry": {"type": "MovingPoint",
          "datetimes": ["2025-12-03T10:00:00Z", "2025-12-03T10:01:00", "03/12/2025 10:02", "later"],
          "coordinates": [[-1.235, 54.574], [-1.236, 54.575, 12.5], [-1, 54], [-1.237, 54.576]]}},
        {"type": "Feature", "temporalGeometry": {"type": "MovingPoint",
          "datetimes": [1764756000000, 1764756060000, 1764756120000],
          "coordinates": [[-1.235, 54.574], [-1.236], ["-1.237", "54.576"]]}},
        {"type": "Feature", "temporalGeometry": {"type": "MovingPoint",
          "datetimes": [1764756000000.5, true, null, "2025-12-03T10:03:00Z", 1764756060000],
          "coordinates": [[-1.235, 54.574], [true, 54.5], null, [[-1, 54]], [-1.2, 54.5]]}},
        {"type": "Feature", "temporalGeometry": {"type": "MovingPoint", "datetimes": [], "coordinates": []}}
        ]}"""
    )
    table = _same("mf-json", mfjson.read_mfjson, path)
    assert table.num_rows == 9
    path.write_text('{"type": "Feature", "temporalGeometry": {"type": "MovingPolygon", "datetimes": []}}')
    assert _same("mf-json", mfjson.read_mfjson, path).num_rows == 0  # nothing but a refused geometry


def test_mf_csv_with_bad_records_reads_exactly_as_value_by_value(tmp_path: Path) -> None:
    path = tmp_path / "walks.mf.csv"
    head = "@stboundedby,urn:ogc:def:crs:OGC:1.3:CRS84,2D,x,y,2025-12-03T10:00:00Z,2025-12-03T11:00:00Z,minute\n"
    path.write_text(
        head + "@columns,mfidref,trajectory\n"
        "w1,0,10,-1.235 54.574 -1.236 54.575\n"
        "w1,10,5,-1 54 -1 54\n"
        "w2,0.5,7.25,-1.235 54.574  -1.236 54.575 -1.237 54.576\n"
        "w2,3,3,-1.2 54.5\n"
        "w3,1,2,-1.2 54.5 -1.3\n"
        ",1,2,-1.2 54.5\n"
        "w3,1,2,-1.2 north\n"
        "w3,1\n"
        "w4,x,2,-1.2 54.5 -1.2 54.6\n"
        "w4,2.5,3.5,-1.2 54.5 inf 54.6\n"
        "\n"
        "w5,0,1,-1.2 54.5 -1.2 54.6\n"
    )
    table = _same("mf-csv", mfcsv.read_mfcsv, path)
    assert table.num_rows == 8


def test_patrol_logs_read_exactly_as_entry_by_entry(tmp_path: Path) -> None:
    """A log of cells, grid references and points (the place kinds the entry-by-entry reader knew): the same pings;
    rows refused for the same lines and, but for the place's own reason (now naming what is wrong), the same
    reasons."""
    lon, lat = np.array([-1.2350, -1.2402, -1.2290]), np.array([54.5742, 54.5760, 54.5701])
    cells = [format(int(c), "x") for c in points_to_cells(lon, lat, 9)]
    grids = grid_references(lon, lat, 8)
    rows = []
    for k in range(60):
        start = f"2025-12-{3 + k % 5:02d}T{8 + k % 9:02d}:{(7 * k) % 60:02d}:00Z"
        end = f"2025-12-{3 + k % 5:02d}T{9 + k % 9:02d}:{(11 * k) % 60:02d}:30Z"
        rows.append(f"beat {k % 4},{cells[k % 3]},,,,{start},{end}")
        rows.append(f"beat {k % 4},,{grids[k % 3]},,,{start},{end}")
        rows.append(f"beat {k % 4},,,{lat[k % 3]},{lon[k % 3]},{start},{end}")
    rows += [
        "beat 9,not-a-cell,,,,2025-12-03T10:00:00Z,2025-12-03T10:05:00Z",
        f",{cells[0]},,,,2025-12-03T10:00:00Z,2025-12-03T10:05:00Z",
        f"beat 9,{cells[0]},,,,soon,2025-12-03T10:05:00Z",
        f"beat 9,{cells[0]},,,,2025-12-03T10:00:00Z,2025-12-04T10:05:00Z",
        f"beat 9,{cells[0]},,,,2025-12-03T10:00:00Z,2025-12-03T09:05:00Z",
        f"beat 9,{cells[0]},,,,03/12/2025 10:00,03/12/2025 10:07",
    ]
    for kind, columns in (("cell", (1,)), ("grid_ref", (2,)), ("lat,lon", (3, 4))):
        path = tmp_path / f"{kind.replace(',', '-')}.log.csv"
        lines = [f"team,{kind},start,end"] + [
            ",".join([r.split(",")[0], *(r.split(",")[c] for c in columns), *r.split(",")[5:]])
            for r in rows
            if all(r.split(",")[c] for c in columns) or r.startswith("beat 9,not")
        ]
        path.write_text("\n".join(lines) + "\n")
        table, rejects = _all(movement_source("patrol-log").read(path, CONTEXT))
        before, before_rejects = _all(patrol_log.read_patrol_log(path, CONTEXT))
        assert _equal(table, before) and table.num_rows > 3_000
        assert [line for line, _, _ in rejects] == [line for line, _, _ in before_rejects] and len(rejects) >= (
            5 if kind == "cell" else 1
        )
        for (_, _, reason), (_, _, was) in zip(rejects, before_rejects, strict=True):
            unplaced = reason.startswith("no place it can locate") or " is not " in reason  # now says why
            assert reason == was or (was.startswith("no place it can locate") and unplaced)
