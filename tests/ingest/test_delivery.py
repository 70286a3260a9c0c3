"""Delivery loads: movement files to the dosage the store keeps, bad rows refused while good ones load, a load
replacing its agency's days, and privacy by design (no ping, track, device or file name survives a load)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from geo.dosage import DosageRules
from geo.hexbin import points_to_cells
from ingest.delivery import DeliveryOptions, load_delivery
from ingest.errors import FeedFileError
from ingest.registry import movement_source_for
from ingest.store.connection import Connection, open_store

START = datetime(2025, 12, 3, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
# a foot patrol standing at one point for 15 minutes (one ping a minute), then walking slowly north
STAND = (-1.2350, 54.5742)
DEVICES = ("PC-4471-HARRIS", "VAN-KX21ABC")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Connection]:
    con = open_store(tmp_path / "store.duckdb")
    yield con
    con.close()


def _stamp(minute: int) -> str:
    return datetime.fromtimestamp(START.timestamp() + 60 * minute, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gpx(path: Path) -> Path:
    points = [(STAND[1], STAND[0], m) for m in range(15)] + [
        (STAND[1] + 0.0004 * k, STAND[0], 15 + k) for k in range(5)
    ]
    body = "".join(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"><time>{_stamp(m)}</time></trkpt>' for lat, lon, m in points)
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{DEVICES[0]}</name><trkseg>{body}</trkseg></trk></gpx>"
    )
    return path


def _csv(path: Path) -> Path:
    rows = [f"{DEVICES[1]},{_stamp(m)},{STAND[1] + 0.01:.6f},{STAND[0]:.6f}" for m in range(12)]
    rows += [f"{DEVICES[1]},no time,54.5,-1.2", f"{DEVICES[1]},{_stamp(20)},40.0,-1.2"]
    path.write_text("device,time,lat,lon\n" + "\n".join(rows) + "\n")
    return path


def _files(tmp_path: Path) -> list[tuple]:
    paths = [_gpx(tmp_path / f"{DEVICES[0]}.gpx"), _csv(tmp_path / f"{DEVICES[1]}.csv")]
    return [(movement_source_for(p), p) for p in paths]


def test_a_load_keeps_good_pings_refuses_bad_ones_and_stores_dosage(tmp_path: Path, store: Connection) -> None:
    report = load_delivery(store, _files(tmp_path), "Cleveland Police", DeliveryOptions(now=NOW))
    assert (report.pings_read, report.pings_kept, report.quarantined) == (34, 32, 2)
    assert report.reasons == {"time '…' is not a date and time": 1, "coordinates outside the UK": 1}
    assert {(Path(f).suffix, line) for f, line, _ in report.examples} == {(".csv", 14), (".csv", 15)}
    assert report.days == (date(2025, 12, 3),)
    # the 15 minutes standing are one compliant visit in the stand's cell; the second device's 12 minutes another
    stand_cell, csv_cell = (
        int(points_to_cells(np.array([lon]), np.array([lat]), 9)[0])
        for lon, lat in (STAND, (STAND[0], STAND[1] + 0.01))
    )
    rows = dict(
        (cell, rest)
        for cell, *rest in store.execute(
            "SELECT cell, minutes, visits, compliant_visits FROM delivery_cells WHERE cell IN (?, ?)",
            [stand_cell, csv_cell],
        ).fetchall()
    )
    assert rows[stand_cell][0] >= 15.0 and rows[stand_cell][1:] == [1, 1]
    assert rows[csv_cell] == [pytest.approx(12.0), 1, 1]
    held = store.execute("SELECT sum(minutes), sum(visits), count(DISTINCT agency) FROM delivery_cells").fetchone()
    assert held is not None and held[0] == pytest.approx(report.minutes) and held[2] == 1
    loads = store.execute("SELECT agency, files, pings_read, pings_kept, quarantined, first_day FROM delivery_loads")
    assert loads.fetchall() == [("Cleveland Police", 2, 34, 32, 2, date(2025, 12, 3))]


def test_loading_again_replaces_the_agencys_days(tmp_path: Path, store: Connection) -> None:
    options = DeliveryOptions(now=NOW)
    load_delivery(store, _files(tmp_path), "police", options)
    first = store.execute("SELECT count(*), sum(minutes) FROM delivery_cells").fetchone()
    load_delivery(store, _files(tmp_path), "police", options)
    assert store.execute("SELECT count(*), sum(minutes) FROM delivery_cells").fetchone() == first
    load_delivery(store, _files(tmp_path)[:1], "wardens", options)  # another agency's delivery sits beside it
    agencies = store.execute("SELECT agency, count(*) FROM delivery_cells GROUP BY agency ORDER BY agency")
    assert [a for a, _ in agencies.fetchall()] == ["police", "wardens"]


def test_a_dry_run_writes_nothing(tmp_path: Path, store: Connection) -> None:
    report = load_delivery(store, _files(tmp_path), "police", DeliveryOptions(now=NOW, dry_run=True))
    assert report.cell_days > 0 and report.load_id is None
    assert store.execute("SELECT count(*) FROM delivery_cells").fetchone() == (0,)
    assert store.execute("SELECT count(*) FROM delivery_loads").fetchone() == (0,)


def test_an_unreadable_file_loads_nothing(tmp_path: Path, store: Connection) -> None:
    bad = tmp_path / "broken.gpx"
    bad.write_text("<gpx><trk>")
    with pytest.raises(FeedFileError):
        load_delivery(store, [*_files(tmp_path), (movement_source_for(bad), bad)], "police", DeliveryOptions(now=NOW))
    assert store.execute("SELECT count(*) FROM delivery_cells").fetchone() == (0,)


def _every_value(con: Connection) -> Iterator[tuple[str, str, str, object]]:
    """(table, column, type, value) of every value the store holds."""
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name"
    ).fetchall()
    for table, column, kind in columns:
        for (value,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall():  # noqa: S608
            yield table, column, kind, value


def test_no_raw_point_track_or_name_survives_a_load(tmp_path: Path, store: Connection) -> None:
    """Privacy by design: after a load the store holds no ping's time, longitude or latitude, no device or track
    name, and no file name; the only new tables are the dosage and the load log."""
    files = _files(tmp_path)
    before = {t for (t,) in store.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    load_delivery(store, files, "police", DeliveryOptions(now=NOW, rules=DosageRules()))
    after = {t for (t,) in store.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert after == before
    assert store.execute("SELECT count(*) FROM delivery_cells").fetchone() != (0,)
    ping_times = {START.timestamp() + 60 * m for m in range(21)}
    coordinates = {round(STAND[0], 6), round(STAND[1], 6), round(STAND[1] + 0.01, 6)}
    coordinates |= {round(STAND[1] + 0.0004 * k, 6) for k in range(5)}
    texts = {*DEVICES, *(p.name for _, p in files), *(str(p) for _, p in files)}
    found: list[tuple[str, str, object]] = []
    values = list(_every_value(store))
    assert ("delivery_cells", "agency", "VARCHAR", "police") in values  # the scan sees what the load wrote
    for table, column, _, value in values:
        if isinstance(value, str) and any(t in value for t in texts):
            found.append((table, column, value))
        if isinstance(value, float) and round(value, 6) in coordinates:
            found.append((table, column, value))
        if isinstance(value, datetime) and value.replace(tzinfo=UTC).timestamp() in ping_times:
            found.append((table, column, value))
    assert not found
    held = store.execute("SELECT column_name FROM information_schema.columns WHERE table_name LIKE 'delivery%'")
    assert {"track", "device", "lon", "lat", "time", "file"}.isdisjoint(c for (c,) in held.fetchall())


def test_a_patrol_log_entry_counts_as_its_minutes_and_one_visit(tmp_path: Path, store: Connection) -> None:
    cell = int(points_to_cells(np.array([STAND[0]]), np.array([STAND[1]]), 9)[0])
    log = tmp_path / "beats.log.csv"
    log.write_text(
        f"team,cell,start,end\nbeat 1,{cell:x},2025-12-03T10:00:00Z,2025-12-03T10:12:00Z\n"
        f"beat 1,{cell:x},2025-12-03T10:14:00Z,2025-12-03T10:18:00Z\n"
    )
    load_delivery(store, [(movement_source_for(log), log)], "police", DeliveryOptions(now=NOW))
    rows = store.execute("SELECT minutes, visits, compliant_visits FROM delivery_cells WHERE cell = ?", [cell])
    assert rows.fetchall() == [(pytest.approx(16.0), 2, 1)]  # each entry its own visit: 12 minutes and 4
