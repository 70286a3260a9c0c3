"""The movement formats: GPX 1.1, OGC MF-JSON and CSV pings read to pings, bad rows refused with their line and
reason while good rows are kept, hostile and foreign files refused whole."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from pyproj import Transformer

from geo.grid import grid_references
from geo.hexbin import points_to_cells
from ingest.adapters.patrol_log import grid_point
from ingest.errors import FeedFileError, HostileFileError
from ingest.limits import NO_LIMITS
from ingest.movement import PingBatch, checked
from ingest.places import Places
from ingest.registry import movement_source, movement_source_for
from ingest.sources import ReadContext

DATA = Path(__file__).parents[2] / "data" / "delivery"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _no_places(postcodes: bool, wards: bool) -> Places:
    raise AssertionError("movement sources never locate against places")


CONTEXT = ReadContext(now=NOW, limits=NO_LIMITS, places=_no_places)


def _read(name: str, path: Path) -> PingBatch:
    batches = list(movement_source(name).read(path, CONTEXT))
    rejects = [r for b in batches for r in b.rejects]
    return PingBatch(pa.concat_tables([b.table for b in batches]), rejects)


GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>PC 1234 Smith</name><trkseg>
    <trkpt lat="54.5742" lon="-1.2350"><time>2025-12-03T10:00:00Z</time></trkpt>
    <trkpt lat="54.5743" lon="-1.2351"><time>2025-12-03T10:01:00Z</time></trkpt>
    <trkpt lat="54.5744" lon="-1.2352"></trkpt>
    <trkpt lat="54.5745" lon="-1.2353"><time>yesterday</time></trkpt>
  </trkseg></trk>
  <trk><trkseg>
    <trkpt lat="-1.2350" lon="54.5742"><time>2025-12-03T10:02:00Z</time></trkpt>
    <trkpt lat="54.5746" lon="-1.2354"><time>2025-12-03T10:03:00+00:00</time></trkpt>
  </trkseg></trk>
</gpx>
"""


def test_gpx_tracks_are_read_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "shift.gpx"
    path.write_text(GPX)
    batch = _read("gpx", path)
    assert batch.table["line"].to_pylist() == [4, 5, 10, 11]
    assert batch.table["track"].to_pylist() == ["1", "1", "2", "2"]  # by position: the track's name is not read
    assert batch.table["time"][0].as_py() == int(datetime(2025, 12, 3, 10, tzinfo=UTC).timestamp())
    assert [(line, reason) for line, _, reason in batch.rejects] == [
        (6, "no time"),
        (7, "time 'yesterday' is not a date and time"),
    ]
    good, rejects = checked(batch, NOW)
    assert good["line"].to_pylist() == [4, 5, 11]
    assert (10, "", "latitude and longitude look swapped") in rejects


def test_gzipped_gpx_reads_the_same(tmp_path: Path) -> None:
    plain, packed = tmp_path / "a.gpx", tmp_path / "a.gpx.gz"
    plain.write_text(GPX)
    packed.write_bytes(gzip.compress(GPX.encode()))
    assert _read("gpx", packed).table.equals(_read("gpx", plain).table)
    assert movement_source_for(packed).name == "gpx"


def test_gpx_with_a_document_type_is_refused_as_hostile(tmp_path: Path) -> None:
    path = tmp_path / "laughs.gpx"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        '<gpx version="1.1"><trk><trkseg><trkpt lat="54.5" lon="-1.2"><time>&b;</time></trkpt></trkseg></trk></gpx>'
    )
    with pytest.raises(HostileFileError, match="document type"):
        _read("gpx", path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<kml><Document/></kml>", "not a GPX file (its root element is <kml>)"),
        ('<gpx version="1.1"><trk><trkseg><trkpt lat="54.5"', "not a GPX file"),
        ("", "not a GPX file"),
    ],
)
def test_a_file_that_is_not_gpx_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "not.gpx"
    path.write_text(text)
    with pytest.raises(FeedFileError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        _read("gpx", path)


def test_the_ogc_worked_example_parses_to_its_points_and_time_span() -> None:
    """OGC 19-045r3 Annex B's MF-JSON Prism example: a MovingPoint of five positions over four seconds."""
    batch = _read("mf-json", DATA / "ogc-19-045r3-annex-b-prism.json")
    times = batch.table["time"].to_pylist()
    assert batch.table.num_rows == 5 and not batch.rejects
    assert times[0] == int(datetime(2011, 7, 14, 22, 1, 1, tzinfo=UTC).timestamp())
    assert times[-1] - times[0] == 4
    assert batch.table["lon"][0].as_py() == pytest.approx(139.757083)
    assert batch.table["lat"][-1].as_py() == pytest.approx(35.627483)
    good, rejects = checked(batch, NOW)  # Tokyo, not the UK: every point refused by the shared checks
    assert good.num_rows == 0 and {reason for _, _, reason in rejects} == {"coordinates outside the UK"}


def test_mfjson_collections_keep_good_points_and_refuse_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "patrols.mf.json"
    path.write_text(
        """{"type": "MovingFeatureCollection", "features": [
        {"type": "MovingFeature", "id": "PC Smith", "temporalGeometry": {"type": "MovingPoint",
          "datetimes": ["2025-12-03T10:00:00Z", 1764756060000, "soon"],
          "coordinates": [[-1.235, 54.574], [-1.236, 54.575], [-1.237, 54.576]]}},
        {"type": "MovingFeature", "temporalGeometry": {"type": "MovingPoint",
          "datetimes": ["2025-12-03T10:00:00Z"], "coordinates": [[-1.235, 54.574], [-1.236, 54.575]]}},
        {"type": "MovingFeature", "temporalGeometry": {"type": "MovingPolygon", "datetimes": [], "coordinates": []}}
        ]}"""
    )
    batch = _read("mf-json", path)
    assert batch.table["line"].to_pylist() == [1, 2]
    assert batch.table["track"].to_pylist() == ["1", "1"]
    assert batch.table["time"][1].as_py() == 1764756060
    assert [(line, reason) for line, _, reason in batch.rejects] == [
        (3, "feature 1: datetime 'soon' is not an instant"),
        (4, "feature 2: 1 datetimes for 2 coordinates"),
        (5, "feature 2: 1 datetimes for 2 coordinates"),
        (6, "feature 3 is a MovingPolygon, not a MovingPoint"),
    ]


def test_a_file_that_is_not_mfjson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"type": "Feature", ')
    with pytest.raises(FeedFileError, match="not a JSON file"):
        _read("mf-json", path)
    path.write_text('{"type": "Feature", "geometry": null}')
    with pytest.raises(FeedFileError, match="no MovingPoint"):
        _read("mf-json", path)


def test_csv_pings_with_latitude_and_longitude(tmp_path: Path) -> None:
    path = tmp_path / "pings.csv"
    path.write_text(
        "Device,Timestamp,Latitude,Longitude\n"
        "radio-7,2025-12-03T10:00:00Z,54.5742,-1.2350\n"
        "radio-7,03/12/2025 10:01,54.5743,-1.2351\n"
        "radio-7,not a time,54.5744,-1.2352\n"
        ",2025-12-03T10:03:00Z,54.5744,-1.2352\n"
        "radio-7,2025-12-03T10:04:00Z,54.5744\n"
        "radio-8,2025-12-03T10:05:00Z,,\n"
    )
    batch = _read("pings-csv", path)
    assert batch.table["line"].to_pylist() == [2, 3, 7]
    assert batch.table["track"].to_pylist() == ["radio-7", "radio-7", "radio-8"]
    assert batch.table["time"][1].as_py() - batch.table["time"][0].as_py() == 60  # UK clock time in December: UTC
    assert sorted((line, reason) for line, _, reason in batch.rejects) == [
        (4, "time 'not a time' is not a date and time"),
        (5, "no device or team"),
        (6, "expected 4 fields, found 3"),
    ]
    good, rejects = checked(batch, NOW)
    assert good["line"].to_pylist() == [2, 3]
    assert (7, "", "no longitude and latitude") in rejects


def test_csv_pings_with_easting_and_northing(tmp_path: Path) -> None:
    """A National Grid point (from WGS84 by the forward transform) reads back as the WGS84 point."""
    east, north = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(-1.2350, 54.5742)
    path = tmp_path / "grid.csv"
    path.write_text(f"team,time,easting,northing\nbeat 3,2025-07-01T10:00:00,{east:.1f},{north:.1f}\n")
    batch = _read("pings-csv", path)
    assert batch.table["lon"][0].as_py() == pytest.approx(-1.2350, abs=2e-6)
    assert batch.table["lat"][0].as_py() == pytest.approx(54.5742, abs=2e-6)
    # a UK clock time in summer is an hour ahead of UTC
    assert batch.table["time"][0].as_py() == int(datetime(2025, 7, 1, 9, tzinfo=UTC).timestamp())


def test_a_csv_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crimes.csv"
    path.write_text("Crime ID,Month,Longitude,Latitude\n1,2025-01,-1.2,54.5\n")
    with pytest.raises(FeedFileError, match="no column for a device or team"):
        _read("pings-csv", path)


def test_files_are_matched_to_formats_by_name(tmp_path: Path) -> None:
    assert movement_source_for(Path("a.GPX")).name == "gpx"
    assert movement_source_for(Path("a.mf.json")).name == "mf-json"
    assert movement_source_for(Path("a.csv.gz")).name == "pings-csv"
    (tmp_path / "x.gpx").write_text(GPX)
    (tmp_path / "y.txt").write_text("")
    assert movement_source("gpx").files([tmp_path]) == [tmp_path / "x.gpx"]


def test_patrol_logs_become_a_minute_of_presence_per_minute_logged(tmp_path: Path) -> None:
    """A log entry of D minutes is D pings a minute apart at its place (so D minutes present and one visit)."""
    cell = format(int(points_to_cells(np.array([-1.2350]), np.array([54.5742]), 9)[0]), "x")
    grid = grid_references(np.array([-1.2350]), np.array([54.5742]), 10)[0]
    path = tmp_path / "beats.log.csv"
    path.write_text(
        "team,cell,start,end\n"
        f"beat 1,{cell},2025-12-03T10:00:00Z,2025-12-03T10:12:00Z\n"
        f"beat 1,{cell},2025-12-03T11:00:00Z,2025-12-03T10:50:00Z\n"
        "beat 2,not-a-cell,2025-12-03T10:00:00Z,2025-12-03T10:05:00Z\n"
        f"beat 2,{cell},2025-12-03T10:00:00Z,2025-12-04T10:00:00Z\n"
    )
    assert movement_source_for(path).name == "patrol-log"
    batch = _read("patrol-log", path)
    assert batch.table.num_rows == 12 and set(batch.table["line"].to_pylist()) == {2}
    assert batch.table["time"][11].as_py() - batch.table["time"][0].as_py() == 11 * 60
    assert [(line, reason) for line, _, reason in batch.rejects] == [
        (3, "ends before it starts"),
        (4, "cell 'not-a-cell' is not an H3 cell id"),
        (5, "longer than 12 hours"),
    ]
    lon, lat = batch.table["lon"][0].as_py(), batch.table["lat"][0].as_py()
    assert int(points_to_cells(np.array([lon]), np.array([lat]), 9)[0]) == int(cell, 16)  # the cell's centre
    by_grid = tmp_path / "grid.log.csv"
    by_grid.write_text(f"team,grid_ref,start,end\nbeat 3,{grid},2025-12-03T10:00:00Z,2025-12-03T10:02:00Z\n")
    point = _read("patrol-log", by_grid).table
    assert point["lon"][0].as_py() == pytest.approx(-1.2350, abs=3e-5)  # the centre of the 1 m square
    assert point["lat"][0].as_py() == pytest.approx(54.5742, abs=3e-5)
    assert grid_point("NZ 49") is not None and grid_point("NZ 4953 197") is None and grid_point("IZ 12") is None


def test_the_ogc_mf_csv_example_parses_to_its_points_and_time_span() -> None:
    """OGC 19-045r3 Annex B's MF-CSV example: three linear trajectories of two points (two positions each), from
    10 to 19 seconds after 12:33:41; EPSG:4326 positions are latitude, longitude."""
    path = DATA / "ogc-19-045r3-annex-b-mf.csv"
    assert movement_source_for(Path("a.mf.csv")).name == "mf-csv"
    batch = _read("mf-csv", path)
    begin = int(datetime(2012, 1, 17, 12, 33, 41, tzinfo=UTC).timestamp())
    assert batch.table.num_rows == 6 and not batch.rejects
    assert batch.table["track"].to_pylist() == ["A", "A", "B", "B", "A", "A"]
    assert [t - begin for t in batch.table["time"].to_pylist()] == [10, 15, 10, 19, 15, 19]
    assert (batch.table["lat"][0].as_py(), batch.table["lon"][0].as_py()) == (11.0, 2.0)
    assert batch.table["line"].to_pylist() == [3, 3, 4, 4, 5, 5]


def test_mf_csv_refuses_bad_records_and_foreign_headers(tmp_path: Path) -> None:
    path = tmp_path / "walks.mf.csv"
    head = "@stboundedby,urn:ogc:def:crs:OGC:1.3:CRS84,2D,x,y,2025-12-03T10:00:00Z,2025-12-03T11:00:00Z,minute\n"
    path.write_text(head + "@columns,mfidref,trajectory\nw1,0,10,-1.235 54.574 -1.236 54.575\nw1,10,5,-1 54 -1 54\n")
    batch = _read("mf-csv", path)
    assert batch.table["time"][1].as_py() - batch.table["time"][0].as_py() == 600  # minutes
    assert batch.table["lon"][0].as_py() == -1.235  # CRS84: longitude first
    assert [(line, reason) for line, _, reason in batch.rejects] == [
        (4, "start and end are not offsets, or end before start")
    ]
    path.write_text(head.replace("CRS84", "EPSG::27700"))
    with pytest.raises(FeedFileError, match="not WGS84"):
        _read("mf-csv", path)
    path.write_text("mfidref,start,end\n")
    with pytest.raises(FeedFileError, match="no @stboundedby header"):
        _read("mf-csv", path)
