"""Council feeds through profiles: a layout nobody planned for, the shipped samples, idempotence, atomicity, links."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from ingest.dedupe import LinkRule
from ingest.errors import FeedFileError, ProfileError
from ingest.places import postcode_index
from ingest.profiles import Profile, load_profile, parse_profile
from ingest.store.connection import Connection
from tests.conftest import PROJECT_DATA
from tests.ingest.conftest import POSTCODES, load_feed

FEEDS = PROJECT_DATA / "feeds"

# A housing association's ASB log: columns in another order, other names, dd/mm/yyyy HH:MM, BNG, local labels.
UNSEEN = """Tenancy Officer;Grid E;When Reported;Our Ref;Grid N;Nature of Complaint;Estate
A Green;449650;14/03/2025 21:40;HA-1;519800;Loud parties;Gresham
A Green;449700;15/03/2025 09:05;HA-2;519850;Rubbish dumped;Gresham
B Khan;451230;02/04/2025 23:15;HA-3;520210;Kids on bikes;North Ormesby
B Khan;451240;03/04/2025 10:00;HA-4;520200;Loud parties;North Ormesby
B Khan;;03/04/2025 11:00;HA-5;;Loud parties;North Ormesby
C Lee;451300;31/02/2025 10:00;HA-6;520300;Loud parties;North Ormesby
C Lee;451300;01/04/2025 10:00;HA-7;520300;Parking on grass;North Ormesby
B Khan;451240;03/04/2025 10:00;HA-4;520200;Loud parties;North Ormesby
"""
UNSEEN_PROFILE = """
name = "thirteen-housing"
source = "housing"
[file]
delimiter = ";"
[columns]
reference = "Our Ref"
occurred = "When Reported"
category = "Nature of Complaint"
easting = "Grid E"
northing = "Grid N"
reported_by = "Tenancy Officer"
location_text = "Estate"
[dates]
formats = ["%d/%m/%Y %H:%M"]
[location]
order = ["grid"]
[categories]
"loud parties" = "noise"
"Rubbish dumped" = "fly-tipping"
"Kids on bikes" = "vehicle-nuisance"
"""


@pytest.fixture()
def unseen(tmp_path: Path) -> tuple[Path, Profile]:
    """The housing association's export and the profile written for it."""
    export = tmp_path / "asb-log.csv"
    export.write_text(UNSEEN)
    return export, parse_profile(UNSEEN_PROFILE, "test")


def test_a_layout_nobody_planned_for_loads_with_a_profile_alone(
    store: Connection, unseen: tuple[Path, Profile]
) -> None:
    export, profile = unseen
    report = load_feed(store, profile, export)
    assert (report.rows_read, report.loaded, report.quarantined) == (8, 4, 4)
    reasons = dict(store.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall())
    assert reasons[6] == "no location: grid reference is blank"
    assert reasons[7].startswith("date '31/02/2025 10:00' matches none")
    assert reasons[8] == "category 'Parking on grass' is not mapped in profile thirteen-housing"
    assert reasons[9] == "duplicate of line 5 (reference 'HA-4')"
    assert report.unmapped == {"Parking on grass": 1}
    rows = store.execute(
        """SELECT source_ref, source, feed, category, lon, lat, occurred_at, month, location_precision, lad_code,
                  h3_cell IS NOT NULL FROM incidents ORDER BY source_ref"""
    ).fetchall()
    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(449650.0, 519800.0)
    first = rows[0]
    assert first[:4] == ("HA-1", "housing", "thirteen-housing", "noise")
    assert first[4] == pytest.approx(lon, abs=1e-9) and first[5] == pytest.approx(lat, abs=1e-9)
    assert first[6] == datetime(2025, 3, 14, 21, 40)
    assert [r[3] for r in rows] == ["noise", "fly-tipping", "vehicle-nuisance", "noise"]
    assert {r[8] for r in rows} == {"point"}
    assert {r[9] for r in rows} == {"E06000002"}  # Middlesbrough, from the ward the point falls in
    assert all(r[10] for r in rows)


def test_loading_the_same_file_again_changes_nothing(store: Connection, unseen: tuple[Path, Profile]) -> None:
    export, profile = unseen
    load_feed(store, profile, export)
    before = store.execute("SELECT * FROM incidents ORDER BY incident_id").fetchall()
    again = load_feed(store, profile, export)
    assert again.status == "unchanged" and again.loaded == 0
    assert store.execute("SELECT * FROM incidents ORDER BY incident_id").fetchall() == before
    assert store.execute("SELECT count(*) FROM quarantine").fetchall() == [(4,)]


def test_a_file_that_cannot_be_read_leaves_the_store_as_it_was(
    store: Connection, unseen: tuple[Path, Profile], tmp_path: Path
) -> None:
    export, profile = unseen
    load_feed(store, profile, export)
    before = store.execute("SELECT count(*), sum(n) FROM incident_counts").fetchall()
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(UNSEEN.replace("Grid E", "Easting"))
    with pytest.raises(FeedFileError, match="column 'Grid E' named in the profile is not in the header"):
        load_feed(store, profile, renamed)
    assert store.execute("SELECT count(*), sum(n) FROM incident_counts").fetchall() == before
    cp1252 = tmp_path / "latin.csv"
    cp1252.write_bytes(UNSEEN.replace("Gresham", "Caf\u00e9").encode("cp1252"))
    with pytest.raises(FeedFileError, match="not utf-8-sig text"):
        load_feed(store, profile, cp1252)


def test_a_dry_run_reports_without_writing(store: Connection) -> None:
    report = load_feed(store, load_profile("cleveland-wardens"), FEEDS / "cleveland-wardens.csv", dry_run=True)
    assert report.status == "would load" and report.loaded > 1500
    assert report.unmapped == {"Waste in garden": 50}
    assert store.execute("SELECT count(*) FROM incidents").fetchall() == [(0,)]
    assert store.execute("SELECT count(*) FROM ingest_runs").fetchall() == [(0,)]


def test_shipped_samples_load_with_the_precision_of_each_location(store: Connection) -> None:
    for name, file in [
        ("cleveland-wardens", "cleveland-wardens.csv"),
        ("cleveland-council-crm", "cleveland-council-crm.csv"),
        ("cleveland-councillor-casework", "cleveland-councillor-casework.xlsx"),
    ]:
        load_feed(store, load_profile(name), FEEDS / file, LinkRule())
    got = dict(
        ((s, p), n)
        for s, p, n in store.execute(
            "SELECT source, location_precision, count(*) FROM incidents GROUP BY ALL"
        ).fetchall()
    )
    assert set(got) == {
        ("warden", "point"),
        ("warden", "ward"),
        ("complaint", "point"),
        ("complaint", "postcode"),
        ("councillor", "postcode"),
        ("councillor", "ward"),
    }
    # rows located by ward only have no cell (not on the hex map) but count in their ward
    ward_only = store.execute(
        """SELECT count(*), count(i.h3_cell), count(*) FILTER (WHERE pw.ward_code = i.ward_code)
           FROM incidents i JOIN place_wards pw ON pw.place_cell = i.place_cell
           AND pw.boundary_set = (SELECT name FROM boundary_sets WHERE is_default)
           WHERE i.location_precision = 'ward'"""
    ).fetchall()[0]
    assert ward_only[0] > 100 and ward_only[1] == 0 and ward_only[2] == ward_only[0]
    # casework postcodes in odd case and spacing resolve to the Code-Point Open centroid
    pc = store.execute(
        "SELECT lon, lat FROM incidents WHERE source = 'councillor' AND location_precision = 'postcode' LIMIT 1"
    ).fetchall()[0]
    postcodes = postcode_index(POSTCODES)
    assert any(np.isclose(postcodes.lon, pc[0]) & np.isclose(postcodes.lat, pc[1]))
    # excel dates and dates typed as text both land
    assert store.execute("SELECT count(*) FROM incidents WHERE occurred_at IS NULL").fetchall() == [(0,)]
    lads, unplaced, total = store.execute(
        "SELECT count(DISTINCT lad_code), count(*) - count(lad_code), count(*) FROM incidents"
    ).fetchall()[0]
    assert lads == 4 and unplaced / total < 0.01  # points beyond the generalised ward edges (coast) have no LAD


def test_records_of_one_incident_in_two_channels_are_linked_not_deleted(store: Connection, tmp_path: Path) -> None:
    complaint = tmp_path / "crm.json"
    requests = [
        {
            "service_request_id": "1",
            "requested_datetime": "2025-05-02T21:10:00+01:00",
            "service_name": "Noise",
            "lat": 54.5700,
            "long": -1.2350,
            "address": "1 High St",
            "status": "open",
        },
        {
            "service_request_id": "2",
            "requested_datetime": "2025-05-20T10:00:00+01:00",
            "service_name": "Graffiti",
            "lat": 54.5800,
            "long": -1.2500,
            "address": "2 Low St",
            "status": "open",
        },
    ]
    complaint.write_text(json.dumps(requests))
    patrol = tmp_path / "wardens.csv"
    e, n = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(-1.2352, 54.5701)
    patrol.write_text(
        "Title\n\nCase Ref,Date,Time,Officer,Incident Type,Location,Easting,Northing,Ward,Result\n"
        f"W1,03/05/2025,09:30,J,NOISE,x,{e:.0f},{n:.0f},,done\n"  # 12 h later, about 20 m away: the same incident
        f"W2,03/05/2025,09:30,J,GRAFFITI,x,{e:.0f},{n:.0f},,done\n"  # another category: not the same incident
        f"W3,10/05/2025,09:30,J,NOISE,x,{e:.0f},{n:.0f},,done\n"  # a week later: not the same incident
    )
    rule = LinkRule(distance_m=150, hours=48)
    load_feed(store, load_profile("open311"), complaint, rule)
    load_feed(store, load_profile("cleveland-wardens"), patrol, rule)
    links = store.execute(
        """SELECT i.source_ref, p.source_ref, round(l.hours_apart, 1) FROM incident_links l
           JOIN incidents i USING (incident_id) JOIN incidents p ON p.incident_id = l.group_id
           WHERE l.incident_id <> l.group_id"""
    ).fetchall()
    assert links == [("W1", "1", 12.3)]  # the complaint, precisely located and earlier, is the group's primary
    assert store.execute("SELECT count(*), sum(n), sum(n_unique) FROM incident_counts").fetchall()[0][1:] == (5, 4)
    assert store.execute("SELECT count(*) FROM incidents").fetchall() == [(5,)]  # nothing deleted
    patrol.write_text(patrol.read_text().replace("W3,10/05", "W4,11/05"))  # a rule of 6 hours leaves them apart
    load_feed(store, load_profile("cleveland-wardens"), patrol, LinkRule(distance_m=150, hours=6))
    assert store.execute("SELECT sum(n), sum(n_unique) FROM incident_counts").fetchall() == [(5, 5)]


def test_profiles_with_mistakes_are_refused_with_the_key_named() -> None:
    with pytest.raises(ProfileError, match="categories.Loud: Input should be"):
        parse_profile(UNSEEN_PROFILE.replace('"loud parties" = "noise"', 'Loud = "noisy"'), "p.toml")
    with pytest.raises(ProfileError, match="give both easting and northing"):
        parse_profile(UNSEEN_PROFILE.replace('northing = "Grid N"\n', ""), "p.toml")
    with pytest.raises(ProfileError, match="not valid TOML"):
        parse_profile("name = ", "p.toml")


def test_rows_are_mapped_in_batches_and_duplicates_found_across_them(
    store: Connection, unseen: tuple[Path, Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.adapters.text_rows as text_rows

    export, profile = unseen
    whole = load_feed(store, profile, export, dry_run=True)
    monkeypatch.setattr(text_rows, "BATCH_ROWS", 2)  # line 9 repeats line 5, two batches earlier
    batched = load_feed(store, profile, export)
    assert (batched.rows_read, batched.loaded, batched.quarantined) == (whole.rows_read, whole.loaded, 4)
    assert batched.reasons == whole.reasons and batched.unmapped == whole.unmapped
    reasons = dict(store.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall())
    assert reasons[9] == "duplicate of line 5 (reference 'HA-4')"
