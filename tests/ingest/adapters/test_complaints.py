"""Complaint channels: a FixMyStreet dashboard export and Open311 GeoReport v2 requests, through shipped profiles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pyproj import Transformer

from ingest.errors import FeedFileError
from ingest.profiles import load_profile
from ingest.store.connection import Connection
from tests.ingest.conftest import load_feed

TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
FMS_HEADER = (
    "Report ID,Title,Detail,User Name,Category,Created,Confirmed,Acknowledged,Fixed,Closed,Status,Latitude,"
    "Longitude,Query,Ward,Easting,Northing,Report URL,Site Used,Reported As"
)
FMS_ROWS = [
    # WGS84 map click, ISO time with a T
    '4101,"Sofa dumped, back lane",x,A,Flytipping,2025-03-04T18:22:10,2025-03-04T18:25:00,,,,confirmed,'
    "54.575852,-1.244942,,Central,448907,520333,https://fms/4101,fixmystreet,",
    # grid only (the map click was not exported), fractional seconds
    "4102,Tag on bus shelter,x,B,Graffiti,2025-03-05T09:01:02.5,,,,,confirmed,,,,Central,450104,519581,"
    "https://fms/4102,cleveland.fixmystreet,",
    # a service request, not ASB: loaded as not-asb so it never counts as ASB
    "4103,Pothole,x,C,Potholes,2025-03-06 10:00:00,,,,,confirmed,54.568978,-1.226554,,,,,https://fms/4103,app,",
    # a category the profile does not map
    "4104,Overhanging hedge,x,D,Hedges,2025-03-07 10:00:00,,,,,confirmed,54.568978,-1.226554,,,,,https://fms/4104,app,",
    # the same report exported twice
    '4101,"Sofa dumped, back lane",x,A,Flytipping,2025-03-04T18:22:10,2025-03-04T18:25:00,,,,confirmed,'
    "54.575852,-1.244942,,Central,448907,520333,https://fms/4101,fixmystreet,",
]


def rows(con: Connection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def test_a_fixmystreet_export_loads_through_its_profile(store: Connection, tmp_path: Path) -> None:
    export = tmp_path / "fms-export.csv"
    export.write_text("\n".join([FMS_HEADER, *FMS_ROWS]) + "\n")
    report = load_feed(store, load_profile("fixmystreet"), export)
    assert (report.rows_read, report.loaded, report.quarantined) == (5, 3, 2)
    assert report.unmapped == {"Hedges": 1}
    got = rows(
        store,
        "SELECT source_ref, category, location_precision, lon, lat, occurred_at, outcome, feed FROM incidents "
        "ORDER BY source_ref",
    )
    assert [r[:3] for r in got] == [
        ("4101", "fly-tipping", "point"),
        ("4102", "graffiti", "point"),
        ("4103", "not-asb", "point"),
    ]
    assert got[0][3:5] == (-1.244942, 54.575852)
    lon, lat = TO_WGS84.transform(450104, 519581)  # the grid row, converted as pyproj converts it
    assert got[1][3] == pytest.approx(lon, abs=1e-9) and got[1][4] == pytest.approx(lat, abs=1e-9)
    assert got[0][5] == datetime(2025, 3, 4, 18, 22, 10) and got[1][5] == datetime(2025, 3, 5, 9, 1, 2)
    assert {r[6] for r in got} == {"confirmed"} and {r[7] for r in got} == {"fixmystreet"}
    reasons = dict(rows(store, "SELECT line, reason FROM quarantine"))
    assert reasons == {
        5: "category 'Hedges' is not mapped in profile fixmystreet",
        6: "duplicate of line 2 (reference '4101')",
    }
    again = load_feed(store, load_profile("fixmystreet"), export)
    assert again.status == "unchanged" and rows(store, "SELECT count(*) FROM incidents") == [(3,)]


def test_open311_requests_load_with_offsets_converted_and_postcodes_geocoded(store: Connection, tmp_path: Path) -> None:
    requests = {
        "service_requests": [
            {  # BST offset: stored as UK local time
                "service_request_id": "A1",
                "requested_datetime": "2025-07-01T22:30:00+01:00",
                "service_name": "Noise",
                "lat": "54.568637",
                "long": "-1.228092",
                "status": "open",
            },
            {  # UTC in winter: the same clock time in the UK
                "service_request_id": "A2",
                "requested_datetime": "2025-01-10T08:00:00Z",
                "service_name": "Fly tipping",
                "zipcode": "ts13hg",
                "status": "closed",
            },
            {  # UTC in summer: an hour later in the UK, and into the next month
                "service_request_id": "A3",
                "requested_datetime": "2025-06-30T23:30:00Z",
                "service_name": "Graffiti",
                "lat": 54.5690,
                "long": -1.2266,
            },
            {"service_request_id": "A4", "requested_datetime": "2025-07-02T10:00:00Z", "service_name": "Noise"},
            "not a request",
        ]
    }
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests))
    report = load_feed(store, load_profile("open311"), path)
    assert (report.rows_read, report.loaded, report.quarantined) == (5, 3, 2)
    got = rows(
        store, "SELECT source_ref, occurred_at, month, location_precision, lon, outcome FROM incidents ORDER BY 1"
    )
    assert [(r[0], r[1], r[2].month, r[3]) for r in got] == [  # type: ignore[attr-defined]
        ("A1", datetime(2025, 7, 1, 22, 30), 7, "point"),
        ("A2", datetime(2025, 1, 10, 8, 0), 1, "postcode"),
        ("A3", datetime(2025, 7, 1, 0, 30), 7, "point"),
    ]
    assert got[1][4] == pytest.approx(-1.226554, abs=1e-5)  # TS1 3HG: Code-Point Open centroid, within a metre
    reasons = [r[0] for r in rows(store, "SELECT reason FROM quarantine ORDER BY line")]
    assert reasons == ["no location: coordinates and postcode are all blank", "request is not a JSON object"]


def test_a_file_that_is_not_a_requests_list_is_refused(store: Connection, tmp_path: Path) -> None:
    path = tmp_path / "requests.json"
    path.write_text(json.dumps({"error": "rate limited"}))
    with pytest.raises(FeedFileError, match="not an Open311 GeoReport v2 requests list"):
        load_feed(store, load_profile("open311"), path)
    assert rows(store, "SELECT count(*) FROM ingest_runs") == [(0,)]
