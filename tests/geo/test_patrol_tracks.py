"""Sample patrol tracks: seeded, foot at walking pace and vehicles faster, GPS noise and gaps, and partial compliance
with the plan they are drawn against, as the dosage rules count it."""

from __future__ import annotations

from datetime import date

import numpy as np

from geo.dosage import DosageRules, Pings, dosage
from geo.hexbin import points_to_cells
from geo.patrol_tracks import Track, TrackPlan, simulate

CENTRE_LON, CENTRE_LAT = -1.2350, 54.5742


def _plan() -> TrackPlan:
    rng = np.random.default_rng(0)
    lon = CENTRE_LON + rng.uniform(-0.02, 0.02, 30)
    lat = CENTRE_LAT + rng.uniform(-0.01, 0.01, 30)
    cells = np.unique(points_to_cells(lon, lat, 9))
    return TrackPlan(planned=cells[:10], elsewhere=cells[10:], first_day=date(2026, 1, 5), days=7)


def _pings(tracks: list[Track]) -> Pings:
    return Pings(
        track=np.concatenate([np.full(len(t.time), i) for i, t in enumerate(tracks)]).astype(np.int64),
        time=np.concatenate([t.time for t in tracks]),
        lon=np.concatenate([t.lon for t in tracks]),
        lat=np.concatenate([t.lat for t in tracks]),
        agency=np.concatenate([np.full(len(t.time), "police", dtype=object) for t in tracks]),
    )


def test_the_same_seed_gives_the_same_tracks() -> None:
    one, two, other = simulate(_plan(), 1), simulate(_plan(), 1), simulate(_plan(), 2)
    assert [t.team for t in one] == [t.team for t in two]
    assert all(np.array_equal(a.lon, b.lon) and np.array_equal(a.time, b.time) for a, b in zip(one, two, strict=True))
    assert not all(len(a.time) == len(b.time) for a, b in zip(one, other, strict=False))


def _median_speed(t: Track) -> float:
    metres = np.hypot(np.diff(t.lon) * 111_320 * np.cos(np.radians(CENTRE_LAT)), np.diff(t.lat) * 111_320)
    seconds = np.diff(t.time)
    moving = metres / seconds
    return float(np.median(moving[moving > 1.0])) if (moving > 1.0).any() else 0.0


def test_foot_patrols_walk_and_vehicles_drive_with_noise_and_gaps() -> None:
    tracks = simulate(_plan(), 3)
    foot = [t for t in tracks if t.mode == "foot"]
    vehicles = [t for t in tracks if t.mode == "vehicle"]
    assert foot and vehicles
    assert np.median([_median_speed(t) for t in foot]) < 2.0  # walking pace
    assert np.median([_median_speed(t) for t in vehicles]) > 5.0
    gaps = np.concatenate([np.diff(t.time) for t in tracks])
    assert (gaps == 60).mean() > 0.9 and (gaps > 300).any()  # mostly a ping a minute; some signal gaps
    assert all(np.all(np.diff(t.time) > 0) for t in tracks)


def test_patrols_comply_with_the_plan_in_part() -> None:
    """Counted under the documented rules, most planned cells are visited, some with compliant visits and some
    not, and cells outside the plan get less."""
    plan = _plan()
    counted = dosage(_pings(simulate(plan, 4)), DosageRules()).to_pylist()
    planned = set(int(c) for c in plan.planned)
    in_plan = [r for r in counted if r["cell"] in planned]
    compliant = {r["cell"] for r in in_plan if r["compliant_visits"] > 0}
    visits = sum(r["visits"] for r in in_plan)
    compliant_visits = sum(r["compliant_visits"] for r in in_plan)
    assert len(compliant) >= len(planned) // 2
    assert 0.2 < compliant_visits / visits < 0.9  # partial compliance
    outside = [r for r in counted if r["cell"] not in planned]
    per_cell_plan = sum(r["minutes"] for r in in_plan) / len(planned)
    per_cell_outside = sum(r["minutes"] for r in outside) / max(len({r["cell"] for r in outside}), 1)
    assert per_cell_plan > per_cell_outside
    assert sum(r["driveby_minutes"] for r in counted) > 0
