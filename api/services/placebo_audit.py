"""The placebo audit of problem evaluations: random busy areas where nothing was done, opened as problems (one res-9
cell up to a ward) over quarter-to-quarter windows, evaluated as a problem is; the share called "fell" or "rose" at
the 5% level (the false-positive rate, 5% when calibrated), and the share called "fell" when a reduction is
injected into the area's after-period incidents by binomial thinning (power)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from api.services.placebo_evaluation import PLACEBOS, POOL, force_counts, seed_of
from api.services.problem_area import AREA_RES, ward_shapes
from api.services.study_area import StudyArea
from geo.evaluation_placebo import FELL, ROSE, rate_reading, thin, verdict
from geo.evaluation_wdd import Pair, before_after_irr
from geo.placebo_areas import CellCounts, PatchPool, matched, patch_pool, patches
from geo.problem_areas import polygon_cells, ring_cells
from ingest.store.connection import Connection

CATEGORIES = ("asb", "criminal-damage-arson", "violence-sexual")
WINDOWS = (
    ("Q1->Q2", (date(2025, 1, 1), date(2025, 3, 1)), (date(2025, 4, 1), date(2025, 6, 1))),
    ("Q2->Q3", (date(2025, 4, 1), date(2025, 6, 1)), (date(2025, 7, 1), date(2025, 9, 1))),
    ("Q3->Q4", (date(2025, 7, 1), date(2025, 9, 1)), (date(2025, 10, 1), date(2025, 12, 1))),
)
SIZES = ("1 cell", "7 cells", "19 cells", "ward")
PATCH_CELLS = {"1 cell": 1, "7 cells": 7, "19 cells": 19}
BUSY = 5  # a placebo problem of patches: its seed cell holds at least this many before-period incidents
BUSY_WARD = 20  # a ward placebo problem: at least this many before-period incidents
BUFFER_M = 250.0
REDUCTIONS = (0.20, 0.35)
PER_CELL = 6  # placebo problems per force x category x window x size: 216 per force with three categories


@dataclass(frozen=True)
class AuditCase:
    """One placebo problem's result."""

    force: str
    category: str
    window: str
    size: str
    cells: int
    before: int
    after: int
    placebos: int
    p: float
    verdict: str
    exact_poisson_change: bool  # the old before/after rate ratio's exact 95% interval excludes 1
    detected: dict[float, bool]  # injected reduction -> called "fell"


def _ward_cells(con: Connection, boundary_set: str, lads: set[str]) -> list[np.ndarray]:
    """The res-9 cells of each ward of these LADs."""
    shapes = ward_shapes(con, boundary_set)
    return [polygon_cells(g, AREA_RES) for g, lad in zip(shapes.geometries, shapes.lads, strict=True) if lad in lads]


def _areas(
    counts: CellCounts, size: str, wards: list[np.ndarray], n: int, rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """n busy areas of a size: patches around random cells with enough before-period incidents, or random wards
    with enough."""
    if size == "ward":
        busy = [w for w in wards if len(w) and int(counts.sums(w[None, :])[0][0]) >= BUSY_WARD]
        for i in rng.permutation(len(busy))[:n]:
            yield busy[int(i)]
        return
    seeds = counts.cells[counts.before >= BUSY]
    chosen = rng.choice(seeds, size=min(n, len(seeds)), replace=False) if len(seeds) else seeds
    yield from patches(chosen, PATCH_CELLS[size], 0)


def audit_cases(
    con: Connection,
    force: StudyArea,
    boundary_set: str,
    categories: tuple[str, ...] = CATEGORIES,
    per_cell: int = PER_CELL,
    seed: int = 0,
) -> list[AuditCase]:
    """Every placebo problem of a force: per_cell of each category x window x size."""
    lads = tuple(force.lads)
    wards = _ward_cells(con, boundary_set, set(lads))
    out = []
    for category in categories:
        for name, before, after in WINDOWS:
            counts = force_counts(con, category, [], AREA_RES, lads, before, after)
            for size in SIZES:
                rng = np.random.default_rng(seed_of(seed, force.code, category, name, size))
                pools = {}
                for cells in _areas(counts, size, wards, per_cell, rng):
                    ring = ring_cells(cells, BUFFER_M)
                    key = (len(cells), len(ring))
                    if key not in pools:
                        pools[key] = patch_pool(counts, len(cells), len(ring), rng, POOL)
                    out.append(_case(force.name, category, name, size, counts, cells, ring, pools[key], rng))
    return out


def _case(
    force: str,
    category: str,
    window: str,
    size: str,
    counts: CellCounts,
    cells: np.ndarray,
    ring: np.ndarray,
    pool: PatchPool,
    rng: np.random.Generator,
) -> AuditCase:
    b, a = (int(x[0]) for x in counts.sums(cells[None, :]))
    rows = matched(pool, b, np.concatenate([cells, ring]), PLACEBOS)
    pb, pa = pool.before[rows], pool.after[rows]
    reading = rate_reading(b, a, pb, pa)
    months = 3.0
    exact = before_after_irr(Pair(b, a), months, months)
    changed = exact.low is not None and exact.high is not None and (exact.low > 1 or exact.high < 1)
    detected = {}
    for cut in REDUCTIONS:
        thinned = int(thin(np.array([a]), 1 - cut, rng)[0])
        detected[cut] = verdict(rate_reading(b, thinned, pb, pa)) == FELL
    return AuditCase(
        force, category, window, size, len(cells), b, a, len(rows), reading.p, verdict(reading), changed, detected
    )


def _band(n: int, level: float = 0.05) -> tuple[float, float]:
    """The binomial 95% range of the share called at `level` over n calibrated cases (normal approximation)."""
    half = 1.959963984540054 * math.sqrt(level * (1 - level) / n) if n else math.nan
    return level - half, level + half


def summarise(cases: list[AuditCase], key: str) -> list[dict[str, Any]]:
    """Per value of `key` (and overall): cases, share called fell, rose, either (with the 5% band), power."""
    groups: dict[str, list[AuditCase]] = {}
    for c in cases:
        groups.setdefault(str(getattr(c, key)), []).append(c)
    groups["all"] = cases
    out = []
    for name, group in groups.items():
        n = len(group)
        fell = sum(c.verdict == FELL for c in group) / n
        rose = sum(c.verdict == ROSE for c in group) / n
        low, high = _band(n)
        out.append(
            {
                key: name,
                "cases": n,
                "fell": fell,
                "rose": rose,
                "called": fell + rose,
                "band": (low, high),
                "within": low <= fell + rose <= high,
                "exact_poisson": sum(c.exact_poisson_change for c in group) / n,
                "power": {cut: sum(c.detected[cut] for c in group) / n for cut in REDUCTIONS},
            }
        )
    return out


def audit_table(cases: list[AuditCase]) -> list[dict[str, Any]]:
    """Per force x window, then per force, per category, per size: the calls and power."""
    rows = []
    forces = sorted({c.force for c in cases})
    for force in forces:
        mine = [c for c in cases if c.force == force]
        for r in summarise(mine, "window"):
            rows.append({"group": f"{force}, {r['window']}", **r})
    for key in ("force", "category", "size"):
        for r in summarise(cases, key):
            label = "all forces" if r[key] == "all" else str(r[key])
            if key != "force" and r[key] == "all":
                continue
            rows.append({"group": label, **r})
    return rows


METHOD = (
    "busy areas of four sizes (one res-9 cell; 7 and 19 cells around a cell with at least 5 before-period incidents; "
    "wards with at least 20) over each quarter-to-quarter window of 2025, each evaluated as a problem is (against "
    "199 level-matched placebo areas) and called at the 5% level; power: 20% and 35% of the after-period incidents "
    "removed by binomial thinning"
)


def audit_area(
    con: Connection, area: StudyArea, boundary_set: str, category: str, per_cell: int, seed: int
) -> dict[str, Any]:
    """The audit of one area and category, as the API gives it."""
    cases = audit_cases(con, area, boundary_set, (category,), per_cell, seed)
    rows = []
    for r in audit_table(cases):
        if r["group"] in (area.name, "all forces") or r["group"] == category:
            continue  # the same as the area's "all" row
        rows.append(
            {
                "group": r["group"],
                "cases": r["cases"],
                "fell": r["fell"],
                "rose": r["rose"],
                "called": r["called"],
                "band_low": max(0.0, r["band"][0]),
                "band_high": r["band"][1],
                "within": r["within"],
                "exact_poisson": r["exact_poisson"],
                "power_20": r["power"][0.20],
                "power_35": r["power"][0.35],
            }
        )
    return {
        "area": area.echo(),
        "category": category,
        "placebo_problems_per_size": per_cell,
        "seed": seed,
        "method": METHOD,
        "rows": rows,
    }
