"""Realistic patrol tracks for samples and tests (no force publishes officer tracks): foot and vehicle patrols over
shifts, visiting part of a patrol plan's cells (some long enough to be compliant, some not, some skipped), walking or
driving between them, with GPS noise, dropped pings and signal gaps. Seeded: the same seed gives the same tracks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import shapely

from geo.hexbin import cell_polygons

M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class TrackPlan:
    """What to simulate: the plan's cells, other cells the patrols pass through, the days, the teams and how well
    they keep to the plan."""

    planned: np.ndarray  # uint64 cells of the patrol plan
    elsewhere: np.ndarray  # uint64 cells outside the plan the patrols also go to
    first_day: date
    days: int = 14
    foot_teams: int = 2
    vehicles: int = 1
    compliance: float = 0.6  # the share of planned stops a foot patrol makes long enough (10-18 minutes)
    ping_s: int = 60  # one ping a minute
    noise_m: float = 8.0  # GPS error (standard deviation, metres, each axis)
    drop_share: float = 0.03  # pings lost at random
    gap_chance: float = 0.15  # the chance a shift has a signal gap of 8-25 minutes


@dataclass(frozen=True)
class Track:
    """One shift of one team: its name, how it moved, and its pings (UNIX seconds, WGS84)."""

    team: str
    mode: str  # foot or vehicle
    time: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def _centres(cells: np.ndarray) -> np.ndarray:
    centres = shapely.centroid(cell_polygons(np.asarray(cells, dtype=np.uint64)))
    return np.column_stack([shapely.get_x(centres), shapely.get_y(centres)])


def _leg(a: np.ndarray, b: np.ndarray, speed: float, ping_s: int) -> np.ndarray:
    """Points every ping along the straight line a -> b at a speed (m/s), a excluded, b included."""
    scale = M_PER_DEG_LAT * math.cos(math.radians(float(a[1])))
    metres = math.hypot((b[0] - a[0]) * scale, (b[1] - a[1]) * M_PER_DEG_LAT)
    steps = max(int(math.ceil(metres / (speed * ping_s))), 1)
    share = np.arange(1, steps + 1) / steps
    return a + np.outer(share, b - a)


def _stay(at: np.ndarray, minutes: int, ping_s: int, rng: np.random.Generator) -> np.ndarray:
    """Pings of a stop: standing and strolling within about 40 m of a point."""
    n = max(int(minutes * 60 // ping_s), 1)
    scale = M_PER_DEG_LAT * math.cos(math.radians(float(at[1])))
    drift = np.cumsum(rng.normal(0.0, 6.0, size=(n, 2)), axis=0).clip(-40, 40)
    return at + drift / np.array([scale, M_PER_DEG_LAT])


def _foot_shift(plan: TrackPlan, start: np.ndarray, stops: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    points = [start[None, :]]
    here = start
    for stop in stops:
        points.append(_leg(here, stop, rng.uniform(1.0, 1.5), plan.ping_s))
        long_enough = rng.random() < plan.compliance
        minutes = int(rng.integers(10, 19)) if long_enough else int(rng.integers(2, 8))
        points.append(_stay(stop, minutes, plan.ping_s, rng))
        here = points[-1][-1]
    return np.concatenate(points)


def _vehicle_shift(plan: TrackPlan, start: np.ndarray, stops: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    points = [start[None, :]]
    here = start
    for stop in stops:
        points.append(_leg(here, stop, rng.uniform(7.0, 12.0), plan.ping_s))
        if rng.random() < 0.25:  # now and then the crew stops and gets out
            points.append(_stay(stop, int(rng.integers(3, 12)), plan.ping_s, rng))
        here = points[-1][-1]
    return np.concatenate(points)


def _noisy(path: np.ndarray, plan: TrackPlan, rng: np.random.Generator) -> np.ndarray:
    scale = M_PER_DEG_LAT * math.cos(math.radians(float(path[0, 1])))
    return path + rng.normal(0.0, plan.noise_m, size=path.shape) / np.array([scale, M_PER_DEG_LAT])


def _kept(n: int, plan: TrackPlan, rng: np.random.Generator) -> np.ndarray:
    """Which pings survive: random drops, and now and then a signal gap."""
    keep = rng.random(n) >= plan.drop_share
    keep[0] = True
    if n > 60 and rng.random() < plan.gap_chance:
        length = int(rng.integers(8, 26) * 60 // plan.ping_s)
        at = int(rng.integers(10, n - length - 1))
        keep[at : at + length] = False
    return keep


def simulate(plan: TrackPlan, seed: int) -> list[Track]:
    """Every team's shifts over the days: foot patrols on an early and a late shift visiting about half the plan's
    cells and a few others each; vehicles on a late shift passing through many cells."""
    rng = np.random.default_rng(seed)
    planned, elsewhere = _centres(plan.planned), _centres(plan.elsewhere)
    base = elsewhere.mean(axis=0) if len(elsewhere) else planned.mean(axis=0)
    tracks: list[Track] = []
    for day in range(plan.days):
        when = plan.first_day + timedelta(days=day)
        shifts = [("foot", t, hour) for t in range(plan.foot_teams) for hour in (9, 16)]
        shifts += [("vehicle", v, 18) for v in range(plan.vehicles)]
        for mode, number, hour in shifts:
            if rng.random() < 0.1:  # a shift lost to other demands
                continue
            k = max(len(planned) // 2, 1) if mode == "foot" else max(len(planned), 1)
            chosen = planned[rng.choice(len(planned), size=min(k, len(planned)), replace=False)]
            extra = elsewhere[rng.choice(len(elsewhere), size=min(3, len(elsewhere)), replace=False)]
            stops = rng.permutation(np.concatenate([chosen, extra]))
            start = base + rng.normal(0.0, 0.002, 2)
            path = (_foot_shift if mode == "foot" else _vehicle_shift)(plan, start, stops, rng)
            path = _noisy(path, plan, rng)
            begin = datetime(when.year, when.month, when.day, hour, tzinfo=UTC).timestamp()
            begin += int(rng.integers(0, 30)) * 60
            times = (begin + np.arange(len(path)) * plan.ping_s).astype(np.int64)
            keep = _kept(len(path), plan, rng)
            team = f"{mode}-{number + 1}"
            tracks.append(Track(team, mode, times[keep], path[keep, 0], path[keep, 1]))
    return tracks
