"""Dosage from movement: the golden fixture and the rules of docs/delivery.md, with the expected values worked out
from those rules by hand (not from the code).

The rules: each ping stands for the time until the next ping of its track; a gap longer than the ping-gap limit
(5 minutes) cuts the track, and the last ping of each piece stands for the same time as the ping before it. A ping
moving faster than walking pace (2 m/s) is a drive-by. A fence is a cell plus a 25 m buffer. A visit is one
track's presence in one fence, pieces no more than the merge gap (5 minutes) apart joined; it is compliant (Koper)
when its minutes present are at least 10."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import h3ronpy
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from pyproj import Transformer

from geo.dosage import DosageRules, Pings, dosage, track_chunks
from geo.hexbin import cell_polygons, points_to_cells

RES = 9
CENTRE = (-1.2350, 54.5742)  # Middlesbrough
START = int(datetime(2025, 12, 3, 10, 0, tzinfo=UTC).timestamp())
M_PER_DEG_LAT = 111_320.0


def _offset(point: tuple[float, float], toward: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point `metres` from `point` in the direction of `toward` (negative: away from it)."""
    scale = M_PER_DEG_LAT * math.cos(math.radians(point[1]))
    dx, dy = (toward[0] - point[0]) * scale, (toward[1] - point[1]) * M_PER_DEG_LAT
    norm = math.hypot(dx, dy)
    return point[0] + dx / norm * metres / scale, point[1] + dy / norm * metres / M_PER_DEG_LAT


def _fence() -> tuple[int, tuple[float, float], tuple[float, float]]:
    """The fixture's cell, a point 30 m inside one of its edges and a point 60 m outside that edge (90 m apart: a
    1-minute step between them is walking pace, 1.5 m/s)."""
    cell = int(points_to_cells(np.array([CENTRE[0]]), np.array([CENTRE[1]]), RES)[0])
    polygon = cell_polygons(np.array([cell], dtype=np.uint64))[0]
    centre = (polygon.centroid.x, polygon.centroid.y)
    (x0, y0), (x1, y1) = list(polygon.exterior.coords)[:2]
    edge_middle = ((x0 + x1) / 2, (y0 + y1) / 2)
    return cell, _offset(edge_middle, centre, 30.0), _offset(edge_middle, centre, -60.0)


def _track(places: list[tuple[float, float]], minutes: list[int], track: int = 0) -> Pings:
    return Pings(
        track=np.full(len(places), track, dtype=np.int64),
        time=np.array([START + 60 * m for m in minutes], dtype=np.int64),
        lon=np.array([p[0] for p in places]),
        lat=np.array([p[1] for p in places]),
        agency=np.array(["police"] * len(places), dtype=object),
    )


def _row(table: pa.Table, cell: int) -> dict[str, object]:
    rows = [r for r in table.to_pylist() if r["cell"] == cell]
    assert len(rows) == 1
    return rows[0]


def _golden() -> tuple[Pings, int, int]:
    """14 one-minute pings inside the fence, 3 minutes away (3 pings outside), back for 2 pings."""
    cell, inside, outside = _fence()
    places = [inside] * 14 + [outside] * 3 + [inside] * 2
    away_cell = int(points_to_cells(np.array([outside[0]]), np.array([outside[1]]), RES)[0])
    return _track(places, list(range(19))), cell, away_cell


def test_the_fixture_points_lie_where_it_says() -> None:
    cell, inside, outside = _fence()
    assert int(points_to_cells(np.array([inside[0]]), np.array([inside[1]]), RES)[0]) == cell
    assert int(points_to_cells(np.array([outside[0]]), np.array([outside[1]]), RES)[0]) != cell


def test_golden_fixture_one_merged_compliant_visit() -> None:
    """Dwell 14 + 2 = 16 minutes (the last ping stands for the minute before it); away 3 minutes <= the 5-minute
    merge gap, so one visit, of 16 minutes present: Koper-compliant."""
    pings, cell, away_cell = _golden()
    table = dosage(pings, DosageRules())
    row = _row(table, cell)
    assert row["minutes"] == pytest.approx(16.0)
    assert row["visits"] == 1
    assert row["compliant_visits"] == 1
    assert row["driveby_minutes"] == pytest.approx(0.0)
    assert row["day"] == date(2025, 12, 3)
    assert row["agency"] == "police"
    away = _row(table, away_cell)
    assert away["minutes"] == pytest.approx(3.0)
    assert (away["visits"], away["compliant_visits"]) == (1, 0)


def test_golden_fixture_with_a_shorter_merge_gap_is_two_visits() -> None:
    """A 2-minute merge gap keeps the 3 minutes away apart: a visit of 14 minutes (compliant) and one of 2 (not)."""
    pings, cell, _ = _golden()
    row = _row(dosage(pings, DosageRules(merge_gap_s=120)), cell)
    assert row["minutes"] == pytest.approx(16.0)
    assert (row["visits"], row["compliant_visits"]) == (2, 1)


def test_a_ping_gap_over_the_limit_is_not_presence() -> None:
    """Pings at minutes 0, 1, 2 then 32, 33: the 30-minute gap is not counted; each piece's last ping stands for
    the minute before it (3 + 2 = 5 minutes), and the pieces are 29 minutes apart: two short visits."""
    cell, inside, _ = _fence()
    row = _row(dosage(_track([inside] * 5, [0, 1, 2, 32, 33]), DosageRules()), cell)
    assert row["minutes"] == pytest.approx(5.0)
    assert (row["visits"], row["compliant_visits"]) == (2, 0)


def test_a_lone_ping_counts_nothing() -> None:
    cell, inside, _ = _fence()
    assert dosage(_track([inside], [0]), DosageRules()).num_rows == 0


def test_drive_bys_are_kept_apart_from_dwell() -> None:
    """A vehicle crossing the fence at 10 m/s (600 m a minute): its minutes are drive-by minutes, never dwell or
    visits."""
    cell, inside, _ = _fence()
    cell_centre = CENTRE
    places = [_offset(inside, cell_centre, d) for d in (-1200.0, -600.0, 0.0, 600.0, 1200.0)]
    row = _row(dosage(_track(places, [0, 1, 2, 3, 4]), DosageRules()), cell)
    assert row["driveby_minutes"] == pytest.approx(1.0)
    assert row["minutes"] == pytest.approx(0.0)
    assert (row["visits"], row["compliant_visits"]) == (0, 0)


def test_the_buffer_counts_a_ping_near_the_edge_in_both_fences() -> None:
    """The point 30 m inside the edge is in the neighbour's fence with a 40 m buffer, not with the 25 m one."""
    cell, inside, outside = _fence()
    neighbour = int(points_to_cells(np.array([outside[0]]), np.array([outside[1]]), RES)[0])
    pings = _track([inside] * 3, [0, 1, 2])
    assert {r["cell"] for r in dosage(pings, DosageRules()).to_pylist()} == {cell}
    wide = dosage(pings, DosageRules(buffer_m=40.0))
    assert {r["cell"] for r in wide.to_pylist()} == {cell, neighbour}
    assert _row(wide, neighbour)["minutes"] == pytest.approx(3.0)


def test_tracks_and_agencies_are_counted_apart() -> None:
    """Two devices of two agencies in the same fence at the same time: a visit each, per agency."""
    cell, inside, _ = _fence()
    one, two = _track([inside] * 11, list(range(11)), 0), _track([inside] * 11, list(range(11)), 1)
    two = Pings(two.track, two.time, two.lon, two.lat, np.array(["wardens"] * 11, dtype=object))
    both = Pings(*(np.concatenate([a, b]) for a, b in zip(one.columns(), two.columns(), strict=True)))
    rows = {r["agency"]: r for r in dosage(both, DosageRules()).to_pylist() if r["cell"] == cell}
    assert set(rows) == {"police", "wardens"}
    assert all(r["minutes"] == pytest.approx(11.0) and r["compliant_visits"] == 1 for r in rows.values())


def test_a_visit_across_midnight_counts_on_its_first_day_and_minutes_on_their_own() -> None:
    """Local (Europe/London) days: a visit from 23:55 to 00:05 is one visit on the first day; its minutes fall on
    the day of each ping."""
    cell, inside, _ = _fence()
    base = int(datetime(2025, 12, 3, 23, 55, tzinfo=UTC).timestamp())
    pings = _track([inside] * 11, list(range(11)))
    pings = Pings(pings.track, pings.time - START + base, pings.lon, pings.lat, pings.agency)
    rows = {r["day"]: r for r in dosage(pings, DosageRules()).to_pylist() if r["cell"] == cell}
    assert rows[date(2025, 12, 3)]["minutes"] == pytest.approx(5.0)
    assert rows[date(2025, 12, 4)]["minutes"] == pytest.approx(6.0)
    assert (rows[date(2025, 12, 3)]["visits"], rows[date(2025, 12, 3)]["compliant_visits"]) == (1, 1)
    assert (rows[date(2025, 12, 4)]["visits"], rows[date(2025, 12, 4)]["compliant_visits"]) == (0, 0)


def test_unsorted_pings_give_the_same_dosage() -> None:
    pings, _, _ = _golden()
    order = np.random.default_rng(1).permutation(len(pings.time))
    shuffled = Pings(*(c[order] for c in pings.columns()))
    assert dosage(shuffled, DosageRules()).to_pylist() == dosage(pings, DosageRules()).to_pylist()


def test_fences_with_the_buffer_match_a_direct_reckoning() -> None:
    """Every ping's fences (its own cell, and every neighbour within 25 m) as dosage counts them, against distances
    reckoned directly on the British National Grid for each ping and each neighbour (pings within half a metre of
    the buffer's edge left out: the two planes differ by centimetres)."""
    rng = np.random.default_rng(7)
    lon = CENTRE[0] + rng.uniform(-0.004, 0.004, 600)
    lat = CENTRE[1] + rng.uniform(-0.0025, 0.0025, 600)
    grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    own = points_to_cells(lon, lat, RES)
    expected: dict[int, int] = {}
    keep = []
    for i, (x, y, cell) in enumerate(zip(lon, lat, own, strict=True)):
        disk = np.asarray(pa.array(h3ronpy.grid_disk(pa.array([cell], pa.uint64()), 1))[0].as_py(), dtype=np.uint64)
        polygons = shapely.transform(cell_polygons(disk), lambda c: np.column_stack(grid.transform(c[:, 0], c[:, 1])))
        metres = shapely.distance(shapely.points(*grid.transform(x, y)), polygons)
        if np.any(np.abs(metres[disk != cell] - 25.0) < 0.5):
            continue
        keep.append(i)
        for fence in [int(cell), *(int(c) for c in disk[(disk != cell) & (metres <= 25.0)])]:
            expected[fence] = expected.get(fence, 0) + 2
    kept = np.array(keep)
    assert 300 < len(kept) and len(expected) > 7  # most pings kept; many near an edge, in two or three fences
    pings = Pings(
        track=np.repeat(np.arange(len(kept)), 2).astype(np.int64),
        time=np.tile(np.array([START, START + 60], dtype=np.int64), len(kept)),
        lon=np.repeat(lon[kept], 2),
        lat=np.repeat(lat[kept], 2),
        agency=np.full(2 * len(kept), "police", dtype=object),
    )
    counted = {r["cell"]: r["minutes"] for r in dosage(pings, DosageRules()).to_pylist()}
    assert counted == pytest.approx({c: float(m) for c, m in expected.items()})
    assert sum(counted.values()) > 2 * len(kept)  # some pings counted in more than one fence


def test_counting_a_few_whole_tracks_at_a_time_gives_the_same_dosage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of whole tracks (geo.dosage.track_chunks) add up to the same table as all the pings at once: walks of
    40 tracks (some long, some short, some crossing cells, with gaps and drive-bys), runs of 50 pings against one
    run of them all."""
    rng = np.random.default_rng(11)
    sizes = rng.integers(1, 90, 40)
    track = np.repeat(np.arange(40), sizes).astype(np.int64)
    steps = rng.choice([60, 60, 60, 120, 600], len(track))
    time = START + np.cumsum(steps).astype(np.int64)
    lon = CENTRE[0] + np.cumsum(rng.normal(0, 0.0006, len(track)))
    lat = CENTRE[1] + np.cumsum(rng.normal(0, 0.0004, len(track)))
    agency = np.where(track % 3 == 0, "wardens", "police").astype(object)
    pings = Pings(track, time, lon, lat, agency)
    whole = dosage(pings, DosageRules())
    runs = track_chunks(track, 50)
    assert len(runs) > 20 and all(track[a] != track[a - 1] for a, _ in runs[1:])  # cut only between tracks
    joined = all(b == c for (_, b), (c, _) in zip(runs[:-1], runs[1:], strict=True))
    assert runs[0][0] == 0 and runs[-1][1] == len(track) and joined  # every ping in one run
    monkeypatch.setattr("geo.dosage.CHUNK_PINGS", 50)
    chunked = dosage(pings, DosageRules())
    assert chunked.equals(whole) and whole.num_rows > 30 and pc.sum(whole["visits"]).as_py() > 40
    assert track_chunks(np.zeros(120, dtype=np.int64), 50) == [(0, 120)]  # one track is never cut
