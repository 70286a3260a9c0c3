"""A problem's result read against places where nothing was done: placebo areas of the same force, category,
sources and months, matched to the response area in size and before-period level, with the same statistics computed
on each; the problem's placebo p-values and intervals, and the verdict in words."""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from datetime import date
from typing import Any

import h3ronpy
import numpy as np
import pyarrow as pa

from api.services.problem_area import area_cells
from api.services.problem_profile import incident_filter
from geo.evaluation_placebo import SAME, placebo_reading, rate_reading, scaled_wdd, verdict
from geo.evaluation_wdd import Pair
from geo.placebo_areas import CellCounts, PatchPool, cell_counts, matched, patch_pool
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.lad_cells import lad_cell_counts

PLACEBOS = 199  # with the problem, 200 draws: p-values in steps of 1/200
POOL = 1500  # candidate patches drawn before matching on level
SCALED = (
    "scaled: each control's counts are scaled to the before-period count of the area it controls, so the control "
    "gives the change the area would have had had it moved as the control did (a change common to both cancels)"
)


def seed_of(*parts: object) -> int:
    """A seed from the evaluation's inputs: the same problem, months and options draw the same placebo areas."""
    return zlib.crc32(repr(parts).encode())


def force_lads(con: Connection, lads: set[str]) -> tuple[str, ...]:
    """The LADs of the forces holding these LADs (the LADs themselves when no force holds them)."""
    found = sorted({lad for f in read.forces(con) if set(f.lads) & lads for lad in f.lads})
    return tuple(found or sorted(lads))


def force_counts(
    con: Connection,
    group: str,
    sources: list[str],
    res: int,
    lads: tuple[str, ...],
    before: tuple[date, date],
    after: tuple[date, date],
) -> CellCounts:
    """Before and after counts of every cell at res of the force's LADs, for the problem's category and sources."""
    t = lad_cell_counts(con, incident_filter(group, sources, after[0], after[1]), res, lads, before)
    return cell_counts(
        np.asarray(t["cell"].to_numpy(zero_copy_only=False), dtype=np.uint64),
        np.asarray(t["before"].to_numpy(zero_copy_only=False)),
        np.asarray(t["after"].to_numpy(zero_copy_only=False)),
    )


def cells_at(cells: np.ndarray, res: int) -> np.ndarray:
    """Cells at another resolution: their parents (coarser) or children (finer)."""
    cells = np.asarray(cells, dtype=np.uint64)
    if not len(cells):
        return cells
    out = h3ronpy.change_resolution(pa.array(cells), res)
    return np.unique(np.asarray(pa.array(out).to_numpy(zero_copy_only=False), dtype=np.uint64))


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x


def _reading_out(observed: float, placebos: np.ndarray) -> dict[str, Any]:
    r = placebo_reading(observed, placebos)
    return {
        "value": observed,
        "placebo_median": _number(r.placebo_median),
        "effect": _number(r.effect),
        "low": _number(r.low),
        "high": _number(r.high),
        "p": r.p,
    }


def calibrate(
    pool: PatchPool,
    excluded: np.ndarray,
    treated: Pair,
    buffer: Pair,
    control: Pair,
    buffer_control: Pair,
    placebos: int = PLACEBOS,
) -> dict[str, Any]:
    """The rate ratio and WDDs of the response area read against the matched placebo areas of the pool."""
    rows = matched(pool, treated.before, excluded, placebos)
    b, a = pool.before[rows].astype(float), pool.after[rows].astype(float)
    bb, ba = pool.buffer_before[rows].astype(float), pool.buffer_after[rows].astype(float)
    rr = rate_reading(treated.before, treated.after, b, a)
    level = (treated.before + 0.5) / (b + 0.5)  # placebo WDDs rescaled to the response area's before level
    ctrl_change = control.change + buffer_control.change
    raw = ((a - b) + (ba - bb)) * level - ctrl_change
    c_scale = control.after / control.before if control.before > 0 else 1.0
    d_scale = buffer_control.after / buffer_control.before if buffer_control.before > 0 else 1.0
    scaled = ((a - b * c_scale) + (ba - bb * d_scale)) * level
    said = verdict(rr)
    observed_raw = float((treated.change - control.change) + (buffer.change - buffer_control.change))
    observed_scaled = scaled_wdd(
        (treated.before, treated.after),
        (control.before, control.after),
        (buffer.before, buffer.after),
        (buffer_control.before, buffer_control.after),
    )
    levels = pool.before[rows]
    return {
        "areas": int(len(rows)),
        "candidates": int(len(pool.cells)),
        "before_level": {
            "response": treated.before,
            "placebo_median": float(np.median(levels)) if len(rows) else None,
            "placebo_low": int(levels.min()) if len(rows) else None,
            "placebo_high": int(levels.max()) if len(rows) else None,
        },
        "rate_ratio": {
            "ratio": None if rr.placebos == 0 else math.exp(rr.effect),
            "low": None if rr.placebos == 0 else math.exp(rr.low),
            "high": None if rr.placebos == 0 else math.exp(rr.high),
            "p": rr.p,
        },
        "wdd": _reading_out(observed_raw, raw),
        "wdd_scaled_control": _reading_out(observed_scaled, scaled),
        "verdict": said if rr.placebos else SAME,
    }


def matching_words(res: int, cells: int, ring: int) -> str:
    """How the placebo areas were drawn, in words."""
    return (
        f"{PLACEBOS} compact patches of {cells} res-{res} cells (each with a ring of {ring} cells as its buffer) "
        f"around random cells with incidents in the same force, category, sources and months, the {PLACEBOS} of "
        f"{POOL} candidates nearest the response area's before-period count (log scale), none touching the response "
        "area, its buffer or another live problem's area; p-values are two-sided mid-ranks of the problem's statistic "
        "among them, intervals the statistic less the placebos' 97.5% and 2.5% quantiles"
    )


def live_cells(con: Connection, problem: dict[str, Any], others: Sequence[dict[str, Any]], res: int) -> np.ndarray:
    """The cells at res of the other problems not closed (their areas are no placebo)."""
    found = []
    for other in others:
        if other.get("id") == problem.get("id") or other.get("status") == "closed" or not other.get("area"):
            continue
        other_res, cells = area_cells(con, other["area"])
        found.append(cells if other_res == res else cells_at(cells, res))
    return np.unique(np.concatenate(found)).astype(np.uint64) if found else np.array([], dtype=np.uint64)


def placebo_block(
    con: Connection,
    problem: dict[str, Any],
    others: Sequence[dict[str, Any]],
    lads: set[str],
    res: int,
    cells: np.ndarray,
    ring: np.ndarray,
    periods: tuple[tuple[date, date], tuple[date, date]],
    pairs: tuple[Pair, Pair, Pair, Pair],
) -> dict[str, Any]:
    """The evaluation's placebo calibration: draw, match and read (deterministic in the problem and its inputs)."""
    group, sources = problem["category_group"], list(problem["sources"])
    before, after = periods
    seed = seed_of(problem.get("id"), group, sources, res, before, after, [int(c) for c in cells])
    counts = force_counts(con, group, sources, res, force_lads(con, lads), before, after)
    pool = patch_pool(counts, len(cells), len(ring), np.random.default_rng(seed), POOL)
    excluded = np.concatenate([cells, ring, live_cells(con, problem, others, res)]).astype(np.uint64)
    out = calibrate(pool, excluded, *pairs)
    return {"method": matching_words(res, len(cells), len(ring)), "seed": seed, "control": SCALED, **out}
